import type { Kafka } from 'kafkajs';
import type { EventStore } from '@roster/event-store';
import { LOG_EVENT_RECORDED, LOG_STREAMS, tenantOfLogStream } from '@roster/logs';
import { LOG_EVENTS_TOPIC, encodeLogEventMessage } from '@roster/log-export';
import { logEventOf } from '@roster/read-models';
import { KafkaEventRelay, type KafkaEventRelayOptions, type RelayRoute } from './kafka-event-relay';

export { partitionOf } from './kafka-event-relay';

export type KafkaLogRelayOptions = Omit<KafkaEventRelayOptions, 'topic'> & { topic?: string };

/** Log events as the log topic contract has them (libs/log-export/src/kafka-topic.ts), a tenant's on one partition. */
export const logRelayRoute: RelayRoute = {
  name: 'log relay',
  filter: { streamPrefixes: [LOG_STREAMS], eventTypes: [LOG_EVENT_RECORDED] },
  encode: (event) => {
    const tenant = tenantOfLogStream(event.streamId);
    return { partitionKey: tenant, message: encodeLogEventMessage(tenant, event.position, logEventOf(event)) };
  },
};

/** Relays log events to Kafka (`roster.log-events.v1` by default), in log order per tenant, without duplicates. */
export class KafkaLogRelay extends KafkaEventRelay {
  constructor(store: EventStore, kafka: Kafka, options: KafkaLogRelayOptions = {}) {
    super(store, kafka, logRelayRoute, { ...options, topic: options.topic ?? LOG_EVENTS_TOPIC });
  }
}
