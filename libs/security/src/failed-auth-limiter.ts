import { RosterError } from '@roster/errors';
import { BoundedMap } from './bounded-map';
import { Clock, systemClock } from './clock';

export interface FailedAuthLimiterOptions {
  /** Milliseconds clock; injected so tests control time. */
  now?: Clock;
  /** Sliding window over which failures count. Default 60 s. */
  windowSeconds?: number;
  /** From this many failures in the window, answers are delayed. Default 5. */
  slowAfter?: number;
  /** From this many failures in the window, attempts are refused. Default 20. */
  blockAfter?: number;
  /** First delay; it doubles with each further failure. Default 100 ms. */
  baseDelayMs?: number;
  /** Delay cap. Default 2,000 ms. */
  maxDelayMs?: number;
  /** Tracked keys at most; the least recently touched is forgotten first. Default 10,000. */
  maxKeys?: number;
}

export type FailedAuthDecision =
  | { action: 'allow' }
  | { action: 'delay'; delayMs: number; failures: number }
  | { action: 'refuse'; retryAfterSeconds: number; failures: number };

const SEVERITY = { allow: 0, delay: 1, refuse: 2 } as const;

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RosterError('validation', 'invalid_limiter_options', `${name} must be a positive integer, got ${value}`);
  }
  return value;
};

/**
 * Brute-force protection for client authentication (RFC 6749 §2.3.1 "MUST protect ... against brute force").
 * Counts failed attempts per key in a sliding window: after `slowAfter` failures the caller should delay its answer
 * (growing, capped), after `blockAfter` it should refuse (429 + Retry-After) without checking the secret.
 *
 * The caller keys failures by `client:<id>` and by `ip:<addr>`, and resets only the client key on success, so a
 * caller holding one valid secret cannot launder the failures of its IP. Give client keys and IP keys separate
 * instances so a flood from many addresses cannot evict the state of an attacked client.
 */
export class FailedAuthLimiter {
  private readonly now: Clock;
  private readonly windowMs: number;
  private readonly slowAfter: number;
  private readonly blockAfter: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  /** Failure times in ms, oldest first; only the latest `blockAfter` matter, so no more are kept. */
  private readonly failures: BoundedMap<string, number[]>;

  constructor(options: FailedAuthLimiterOptions = {}) {
    this.now = options.now ?? systemClock;
    this.windowMs = positiveInteger('windowSeconds', options.windowSeconds ?? 60) * 1000;
    this.slowAfter = positiveInteger('slowAfter', options.slowAfter ?? 5);
    this.blockAfter = positiveInteger('blockAfter', options.blockAfter ?? 20);
    this.baseDelayMs = positiveInteger('baseDelayMs', options.baseDelayMs ?? 100);
    this.maxDelayMs = positiveInteger('maxDelayMs', options.maxDelayMs ?? 2000);
    this.failures = new BoundedMap(positiveInteger('maxKeys', options.maxKeys ?? 10_000));
    if (this.blockAfter < this.slowAfter) {
      throw new RosterError('validation', 'invalid_limiter_options', 'blockAfter must not be below slowAfter');
    }
  }

  /** What to do with a new attempt for `key`, before checking its credentials. */
  check(key: string): FailedAuthDecision {
    const now = this.now();
    return this.decide(this.recent(key, now), now);
  }

  /** The strictest decision over several keys (e.g. the client and the source address). */
  checkAll(keys: readonly string[]): FailedAuthDecision {
    return keys.map((key) => this.check(key)).reduce(stricter, { action: 'allow' } as FailedAuthDecision);
  }

  /** Records a failed attempt and returns the decision for the next one. */
  recordFailure(key: string): FailedAuthDecision {
    const now = this.now();
    const times = this.recent(key, now);
    times.push(now);
    if (times.length > this.blockAfter) times.shift();
    this.failures.set(key, times);
    // Keys whose latest failure has left the window carry no state: drop them as new failures arrive.
    this.failures.sweep((older) => older[older.length - 1] <= now - this.windowMs);
    return this.decide(times, now);
  }

  /** Forgets the failures of `key`. Call it for the client key after a successful authentication, not the IP key. */
  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  /** Number of keys currently tracked (for metrics and tests of the memory bound). */
  get trackedKeys(): number {
    return this.failures.size;
  }

  private recent(key: string, now: number): number[] {
    const times = this.failures.peek(key);
    if (times === undefined) return [];
    const cutoff = now - this.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired] <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private decide(times: readonly number[], now: number): FailedAuthDecision {
    const failures = times.length;
    if (failures >= this.blockAfter) {
      // Refused until the oldest of the latest `blockAfter` failures leaves the window.
      const retryAfterMs = times[failures - this.blockAfter] + this.windowMs - now;
      return { action: 'refuse', retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), failures };
    }
    if (failures >= this.slowAfter) {
      const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failures - this.slowAfter));
      return { action: 'delay', delayMs, failures };
    }
    return { action: 'allow' };
  }
}

function stricter(a: FailedAuthDecision, b: FailedAuthDecision): FailedAuthDecision {
  if (SEVERITY[a.action] !== SEVERITY[b.action]) return SEVERITY[a.action] > SEVERITY[b.action] ? a : b;
  if (a.action === 'refuse' && b.action === 'refuse') return a.retryAfterSeconds >= b.retryAfterSeconds ? a : b;
  if (a.action === 'delay' && b.action === 'delay') return a.delayMs >= b.delayMs ? a : b;
  return a;
}
