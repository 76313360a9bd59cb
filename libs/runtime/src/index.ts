export * from './secrets-key-file';
export * from './storage';
