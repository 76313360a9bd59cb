import { RosterError } from '@roster/errors';
import { BoundedMap } from './bounded-map';
import { Clock, systemClock } from './clock';

export interface TokenBucketOptions {
  /** Bucket size: the burst allowed after a quiet period (X-RateLimit-Limit). */
  capacity: number;
  /** Sustained rate: tokens added per second. */
  refillPerSecond: number;
  /** Milliseconds clock; injected so tests control time. */
  now?: Clock;
  /** Tracked keys at most; the least recently used is forgotten first (it then starts again with a full bucket). */
  maxKeys?: number;
}

/** Everything a 429 / X-RateLimit-* response needs. */
export interface RateLimitDecision {
  allowed: boolean;
  /** X-RateLimit-Limit */
  limit: number;
  /** X-RateLimit-Remaining: whole tokens left after this request. */
  remaining: number;
  /** X-RateLimit-Reset: epoch seconds when the bucket will be full again. */
  resetEpochSeconds: number;
  /** Retry-After for a refused request (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Per-key token buckets, the model Auth0 documents for its limits (burst = capacity, sustained = refill rate).
 * Keys are e.g. `tenant:<id>:token` or `client:<id>`; one bucket per client keeps one noisy client from locking out
 * the others. Refilled buckets are swept away as new requests arrive, and the map is capped, so memory stays bounded.
 */
export class TokenBucketLimiter {
  readonly capacity: number;
  private readonly ratePerMs: number;
  private readonly now: Clock;
  private readonly buckets: BoundedMap<string, Bucket>;

  constructor(options: TokenBucketOptions) {
    const { capacity, refillPerSecond } = options;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RosterError(
        'validation',
        'invalid_limiter_options',
        `capacity must be a positive integer, got ${capacity}`,
      );
    }
    if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0) {
      throw new RosterError(
        'validation',
        'invalid_limiter_options',
        `refillPerSecond must be positive, got ${refillPerSecond}`,
      );
    }
    this.capacity = capacity;
    this.ratePerMs = refillPerSecond / 1000;
    this.now = options.now ?? systemClock;
    this.buckets = new BoundedMap(options.maxKeys ?? 10_000);
  }

  /** Takes `cost` tokens from the bucket of `key` if it holds enough; a refused request takes nothing. */
  take(key: string, cost = 1): RateLimitDecision {
    if (!Number.isInteger(cost) || cost < 1 || cost > this.capacity) {
      throw new RosterError('validation', 'invalid_rate_limit_cost', `cost must be 1 to ${this.capacity}, got ${cost}`);
    }
    const now = this.now();
    let tokens = this.level(key, now);
    const allowed = tokens >= cost;
    if (allowed) tokens -= cost;
    this.buckets.set(key, { tokens, updatedAt: now });
    // A bucket that has refilled is the same as no bucket: forget idle ones so memory follows the active keys.
    this.buckets.sweep((bucket) => this.refilled(bucket, now) >= this.capacity);
    return {
      allowed,
      limit: this.capacity,
      remaining: Math.floor(tokens),
      resetEpochSeconds: Math.ceil((now + (this.capacity - tokens) / this.ratePerMs) / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / this.ratePerMs / 1000)),
    };
  }

  get trackedKeys(): number {
    return this.buckets.size;
  }

  private level(key: string, now: number): number {
    const bucket = this.buckets.peek(key);
    return bucket === undefined ? this.capacity : this.refilled(bucket, now);
  }

  private refilled(bucket: Bucket, now: number): number {
    // max(0, ...) guards against a clock that steps backwards.
    return Math.min(this.capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.ratePerMs);
  }
}
