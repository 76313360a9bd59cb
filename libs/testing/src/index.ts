export * from './services';
export * from './decider-specification';
export * from './kafka';
export * from './eventstore';
