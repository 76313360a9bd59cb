export * from './event-store.port';
export * from './event-store.support';
export * from './sql-event-store';
export * from './esdb-event-store';
export * from './subscription-batches';
