export * from './log-event';
export * from './log-id';
export * from './logs.events';
export * from './redaction/redact-secrets';
export * from './ingestion/ingested-log.rules';
export * from './catalogue';
export * from './search';
export * from './redaction/json-safe';
