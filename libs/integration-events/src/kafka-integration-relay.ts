import type { Kafka } from 'kafkajs';
import type { EventStore } from '@roster/event-store';
import { KafkaEventRelay, type KafkaEventRelayOptions, type RelayRoute } from '@roster/log-relay';
import { INTEGRATION_EVENT_TYPES, integrationEventOf } from './integration-event';
import { INTEGRATION_EVENTS_TOPIC, encodeIntegrationEventMessage } from './kafka-message';

export type KafkaIntegrationRelayOptions = Omit<KafkaEventRelayOptions, 'topic'> & { topic?: string };

/** The streams of the published aggregates (`log-stream-` is not `logs-`: the log events stay out). */
const PUBLISHED_STREAMS = ['application-', 'connection-', 'client-grant-', 'log-stream-'];

/** Published domain events as integration events, a tenant's on one partition (the tenant is the partition key). */
export const integrationRelayRoute: RelayRoute = {
  name: 'integration event relay',
  filter: { streamPrefixes: PUBLISHED_STREAMS, eventTypes: Object.keys(INTEGRATION_EVENT_TYPES) },
  encode: (recorded) => {
    const event = integrationEventOf(recorded);
    return event && { partitionKey: event.tenant, message: encodeIntegrationEventMessage(event) };
  },
};

/** Relays integration events to Kafka (`roster.integration-events.v1` by default), in order per tenant, once each. */
export class KafkaIntegrationRelay extends KafkaEventRelay {
  constructor(store: EventStore, kafka: Kafka, options: KafkaIntegrationRelayOptions = {}) {
    super(store, kafka, integrationRelayRoute, { ...options, topic: options.topic ?? INTEGRATION_EVENTS_TOPIC });
  }
}
