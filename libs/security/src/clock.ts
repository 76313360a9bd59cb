/** Milliseconds since the epoch. Injected into the limiters so their logic is testable without real time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
