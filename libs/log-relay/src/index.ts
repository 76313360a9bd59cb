export * from './kafka-log-relay';
export * from './last-written';
