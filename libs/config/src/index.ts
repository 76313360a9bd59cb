export * from './env-reader';
export * from './roster-config';
