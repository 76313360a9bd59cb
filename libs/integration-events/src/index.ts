export * from './integration-event';
export * from './kafka-message';
export * from './kafka-integration-relay';
