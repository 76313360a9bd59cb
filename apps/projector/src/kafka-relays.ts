import type { Logger } from '@nestjs/common';
import type { RosterConfig } from '@roster/config';
import type { EventStore } from '@roster/event-store';
import { KafkaIntegrationRelay, integrationRelayRoute } from '@roster/integration-events';
import { KafkaLogRelay } from '@roster/log-relay';
import { type MetricsRegistry, reportTo } from '@roster/observability';
import { kafkaFor } from '../../log-exporter/src/log-export-host';
import { collectRelayLag, logRelayMeasure } from './lag-metrics';

/** The relays from the event store to Kafka: log events for the log-exporter, integration events for subscribers. */
export interface KafkaRelays {
  /** Each relay with the checkpoint name its position is published under. */
  readonly relays: readonly { checkpoint: string; relay: KafkaLogRelay | KafkaIntegrationRelay }[];
  stop(): Promise<void>;
}

/**
 * Starts both relays (the projector in split mode, all-in-one when KAFKA_BROKERS is set) and measures their lag.
 * `clientId` names this process's Kafka clients.
 */
export const startKafkaRelays = async (
  config: RosterConfig,
  store: EventStore,
  metrics: MetricsRegistry,
  logger: Logger,
  clientId: string,
): Promise<KafkaRelays> => {
  const report = reportTo(logger);
  const logs = new KafkaLogRelay(store, kafkaFor(config, clientId), { topic: config.kafkaLogTopic, report });
  const integration = new KafkaIntegrationRelay(store, kafkaFor(config, `${clientId}-integration`), {
    topic: config.kafkaIntegrationTopic,
    report,
  });
  await logs.start();
  await integration.start();
  collectRelayLag(metrics, store, [
    logRelayMeasure(logs),
    { relay: integration, name: 'integration-events', filter: integrationRelayRoute.filter },
  ]);
  return {
    relays: [
      { checkpoint: 'kafka-relay', relay: logs },
      { checkpoint: 'kafka-integration-relay', relay: integration },
    ],
    // Each stops after its produce in flight was acknowledged.
    stop: async () => {
      await logs.stop();
      await integration.stop();
    },
  };
};
