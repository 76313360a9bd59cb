export * from './secrets-key-file';
export * from './storage';
export * from './process-host';
