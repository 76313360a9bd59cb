import { RosterError } from '@roster/errors';
import { TokenBucketLimiter, TokenBucketOptions } from './token-bucket';

const T0 = 1_700_000_000_000; // epoch ms, a whole second

function setup(options: Omit<TokenBucketOptions, 'now'>) {
  let now = T0;
  const limiter = new TokenBucketLimiter({ ...options, now: () => now });
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('TokenBucketLimiter', () => {
  it('allows a burst of `capacity`, then refuses with Retry-After and rate-limit headers', () => {
    const { limiter } = setup({ capacity: 3, refillPerSecond: 1 });
    const results = [1, 2, 3, 4].map(() => limiter.take('client:a'));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(results[0]).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetEpochSeconds: T0 / 1000 + 1,
      retryAfterSeconds: 0,
    });
    expect(results[3]).toMatchObject({ limit: 3, resetEpochSeconds: T0 / 1000 + 3, retryAfterSeconds: 1 });
  });

  it('refills at the sustained rate, never above capacity', () => {
    const { limiter, advance } = setup({ capacity: 2, refillPerSecond: 2 });
    limiter.take('k');
    limiter.take('k');
    expect(limiter.take('k').allowed).toBe(false);
    advance(499);
    expect(limiter.take('k').allowed).toBe(false);
    advance(1);
    expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 0 });
    advance(60_000);
    expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('computes Retry-After for slow refill rates and multi-token costs', () => {
    const { limiter, advance } = setup({ capacity: 10, refillPerSecond: 0.1 }); // one token per 10 s
    expect(limiter.take('k', 10)).toMatchObject({ allowed: true, remaining: 0, resetEpochSeconds: T0 / 1000 + 100 });
    advance(5_000);
    expect(limiter.take('k', 2)).toMatchObject({ allowed: false, retryAfterSeconds: 15, remaining: 0 });
  });

  it('keeps buckets separate per key', () => {
    const { limiter } = setup({ capacity: 1, refillPerSecond: 1 });
    expect(limiter.take('client:a').allowed).toBe(true);
    expect(limiter.take('client:a').allowed).toBe(false);
    expect(limiter.take('client:b').allowed).toBe(true);
  });

  it('caps the number of tracked keys', () => {
    const { limiter } = setup({ capacity: 5, refillPerSecond: 1, maxKeys: 50 });
    for (let i = 0; i < 500; i++) limiter.take(`ip:${i}`);
    expect(limiter.trackedKeys).toBe(50);
    // the oldest keys were forgotten, so they start again with a full bucket
    expect(limiter.take('ip:0').remaining).toBe(4);
    expect(limiter.take('ip:499').remaining).toBe(3);
  });

  it('sweeps away buckets that have refilled, so idle keys do not hold memory', () => {
    const { limiter, advance } = setup({ capacity: 2, refillPerSecond: 1 });
    for (let i = 0; i < 10; i++) limiter.take(`ip:${i}`);
    expect(limiter.trackedKeys).toBe(10);
    advance(999); // not yet refilled: nothing to sweep
    limiter.take('ip:new');
    expect(limiter.trackedKeys).toBe(11);
    advance(1);
    for (let i = 0; i < 5; i++) limiter.take(`later:${i}`);
    expect(limiter.trackedKeys).toBe(6); // 11 + 5 new, 10 idle swept (two per take), ip:new refilled only at 1999
  });

  it('does not refund tokens when the clock steps backwards', () => {
    const { limiter, advance } = setup({ capacity: 1, refillPerSecond: 1 });
    limiter.take('k');
    advance(-10_000);
    expect(limiter.take('k').allowed).toBe(false);
  });

  it('validates options and costs', () => {
    expect(() => new TokenBucketLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(RosterError);
    expect(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: 0 })).toThrow(RosterError);
    const { limiter } = setup({ capacity: 2, refillPerSecond: 1 });
    expect(() => limiter.take('k', 3)).toThrow(RosterError);
    expect(() => limiter.take('k', 0)).toThrow(RosterError);
  });
});
