export * from './log-types';
