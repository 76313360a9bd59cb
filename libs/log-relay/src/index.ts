export * from './kafka-event-relay';
export * from './kafka-log-relay';
export * from './last-written';
