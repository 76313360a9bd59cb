export * from './services';
export * from './decider-specification';
