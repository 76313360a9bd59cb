import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt from 500 ms up to 60 s, with full jitter below it', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(n, undefined, top))).toEqual([
      499, 999, 1999, 3999, 7999, 15999, 31999, 59999, 59999,
    ]);
    expect(backoffDelay(3, undefined, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, undefined, () => 0)).toBe(0);
  });

  it('stays finite and capped for huge attempt numbers', () => {
    expect(backoffDelay(5000, undefined, () => 0.5)).toBe(30_000);
  });

  it('never waits less than Retry-After asked, whatever the jitter', () => {
    expect(backoffDelay(1, 2000, () => 0)).toBe(2000);
    expect(backoffDelay(1, 2000, () => 0.99)).toBe(2000);
    expect(backoffDelay(10, 2000, () => 0.5)).toBe(30_000);
    expect(backoffDelay(1, 0.4, () => 0)).toBe(1);
  });

  it('caps an absurd Retry-After at maxRetryAfterMs and ignores a negative one', () => {
    expect(backoffDelay(1, 10 * 24 * 3_600_000, () => 0)).toBe(3_600_000);
    expect(backoffDelay(1, -5, () => 0)).toBe(0);
  });

  it('takes its base, cap and Retry-After ceiling as options', () => {
    const options = { baseMs: 10, capMs: 40, maxRetryAfterMs: 100 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, undefined, () => 0.5, options))).toEqual([5, 10, 20, 20]);
    expect(backoffDelay(1, 5000, () => 0.5, options)).toBe(100);
  });
});
