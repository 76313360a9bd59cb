import { Logger } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import type { RosterConfig } from '@roster/config';
import {
  EventStoreLogSource,
  KafkaLogSource,
  LogExporter,
  ensureLogExportSchema,
  startPositionOf,
  type LogStreamDefinition,
} from '@roster/log-export';
import { LogStreamsReader, sinkSecretsOpener } from '@roster/read-models';
import type { Storage } from '@roster/runtime';
import type { SecretCrypto } from '@roster/security';

/** Where the log streams read their tenant's log events. */
export type LogExportSource = { kind: 'event-store' } | { kind: 'kafka'; kafka: Kafka };

export const kafkaFor = (config: Pick<RosterConfig, 'kafkaBrokers'>, clientId: string): Kafka =>
  new Kafka({ clientId, brokers: config.kafkaBrokers, logLevel: logLevel.ERROR });

/**
 * Runs every active log stream: a worker per stream, fed from Kafka (split mode: one consumer group per stream) or
 * straight from the event store's log with a checkpoint per stream (all-in-one), delivering through the stream's sink
 * connector. The stream definitions (sink secrets opened with SECRETS_KEY) come from the registry's read model.
 */
export const startLogExport = async (
  config: RosterConfig,
  storage: Storage,
  secrets: SecretCrypto,
  source: LogExportSource,
): Promise<LogExporter> => {
  const logger = new Logger('log-exporter');
  await ensureLogExportSchema(storage.readModels);
  const streams = new LogStreamsReader(storage.readModels, sinkSecretsOpener(secrets.box));
  const sourceFor = (definition: LogStreamDefinition) =>
    source.kind === 'kafka'
      ? new KafkaLogSource({
          kafka: source.kafka,
          topic: config.kafkaLogTopic,
          streamId: definition.id,
          tenant: definition.tenant,
        })
      : new EventStoreLogSource({
          store: storage.eventStore,
          db: storage.readModels,
          streamId: definition.id,
          tenant: definition.tenant,
          startAfter: startPositionOf(definition),
        });
  const exporter = new LogExporter({
    definitions: () => streams.definitions(),
    sourceFor,
    db: storage.readModels,
    // A paused, resumed or edited stream takes effect within a second.
    pollIntervalMs: 1000,
    suspendAfterMs: config.logStreamSuspendAfterSeconds * 1000,
    backoff: { capMs: config.logStreamMaxRetryDelaySeconds * 1000 },
    onError: (error, { streamId }) =>
      logger.warn(`${streamId ? `log stream ${streamId}: ` : ''}${(error as Error)?.message ?? String(error)}`),
  });
  await exporter.start();
  return exporter;
};
