/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th retry
 * waits a uniformly random time in [0, min(cap, base · 2^(n-1))), so senders that failed together do not retry
 * together. A SIEM's Retry-After is a floor: never retry sooner than it asked.
 */

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. Default 500 ms. */
  baseMs: number;
  /** Highest ceiling. Default 60 s. */
  capMs: number;
  /**
   * Highest Retry-After honoured. Default 1 h: a longer one is almost surely a broken header, and timers cannot wait
   * past 24.8 days anyway. The stream keeps its position meanwhile.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 60_000, maxRetryAfterMs: 3_600_000 };

/**
 * Milliseconds to wait before retry number `attempt` (1 = the first retry). `random` returns [0, 1) like
 * Math.random; `retryAfterMs` is what the SIEM asked for, if anything.
 */
export const backoffDelay = (
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
  options: Partial<BackoffOptions> = {},
): number => {
  const { baseMs, capMs, maxRetryAfterMs } = { ...DEFAULT_BACKOFF, ...options };
  // 2^(attempt-1) overflows to Infinity for huge attempts; min() with the cap keeps the ceiling finite.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const floor = retryAfterMs === undefined ? 0 : Math.min(Math.max(0, retryAfterMs), maxRetryAfterMs);
  return Math.max(jittered, Math.ceil(floor));
};
