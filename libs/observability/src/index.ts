export * from './metrics';
export * from './health';
export * from './report-to';
export * from './request-context';
export * from './logger';
export * from './event-log-lag';
