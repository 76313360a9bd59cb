import { RosterError } from '@roster/errors';
import { FailedAuthLimiter, FailedAuthLimiterOptions } from './failed-auth-limiter';

const T0 = 1_700_000_000_000;

function setup(options: FailedAuthLimiterOptions = {}) {
  let now = T0;
  const limiter = new FailedAuthLimiter({ now: () => now, ...options });
  return {
    limiter,
    advance: (ms: number) => (now += ms),
    fail: (key: string, times: number) => {
      for (let i = 0; i < times; i++) limiter.recordFailure(key);
    },
  };
}

describe('FailedAuthLimiter', () => {
  it('allows the first failures, then delays with a growing delay capped at 2 s', () => {
    const { limiter, fail } = setup();
    fail('client:a', 4);
    expect(limiter.check('client:a')).toEqual({ action: 'allow' });
    const delays: number[] = [];
    for (let n = 5; n <= 19; n++) {
      const decision = limiter.recordFailure('client:a');
      expect(decision.action).toBe('delay');
      if (decision.action === 'delay') delays.push(decision.delayMs);
    }
    expect(delays.slice(0, 6)).toEqual([100, 200, 400, 800, 1600, 2000]);
    expect(Math.max(...delays)).toBe(2000);
    expect(limiter.check('client:a')).toEqual({ action: 'delay', delayMs: 2000, failures: 19 });
  });

  it('refuses from the 20th failure until the oldest counted failure leaves the 60 s window', () => {
    const { limiter, fail, advance } = setup();
    fail('client:a', 1); // at T0
    advance(10_000);
    fail('client:a', 19); // at T0 + 10 s
    expect(limiter.check('client:a')).toEqual({ action: 'refuse', retryAfterSeconds: 50, failures: 20 });
    advance(49_500);
    expect(limiter.check('client:a')).toEqual({ action: 'refuse', retryAfterSeconds: 1, failures: 20 });
    advance(500); // T0 + 60 s: the first failure has left the window
    expect(limiter.check('client:a')).toMatchObject({ action: 'delay', failures: 19 });
    advance(10_000);
    expect(limiter.check('client:a')).toEqual({ action: 'allow' });
    expect(limiter.trackedKeys).toBe(0);
  });

  it('refuses again a key that fails again after its window passed', () => {
    const { limiter, fail, advance } = setup();
    fail('ip:1', 20);
    advance(60_000);
    expect(limiter.check('ip:1')).toEqual({ action: 'allow' });
    fail('ip:1', 20);
    advance(30_000);
    expect(limiter.recordFailure('ip:1')).toEqual({ action: 'refuse', retryAfterSeconds: 30, failures: 20 });
  });

  it('a success resets the client key and leaves other keys alone', () => {
    const { limiter, fail } = setup();
    fail('client:a', 10);
    fail('ip:1', 10);
    limiter.recordSuccess('client:a');
    expect(limiter.check('client:a')).toEqual({ action: 'allow' });
    expect(limiter.check('ip:1')).toMatchObject({ action: 'delay', failures: 10 });
  });

  it('checkAll returns the strictest decision', () => {
    const { limiter, fail, advance } = setup();
    fail('client:a', 6);
    expect(limiter.checkAll(['client:a', 'ip:1'])).toEqual({ action: 'delay', delayMs: 200, failures: 6 });
    fail('ip:1', 8);
    expect(limiter.checkAll(['client:a', 'ip:1'])).toEqual({ action: 'delay', delayMs: 800, failures: 8 });
    fail('ip:2', 20);
    advance(5_000);
    fail('ip:3', 20);
    expect(limiter.checkAll(['ip:3', 'client:a', 'ip:2'])).toEqual({
      action: 'refuse',
      retryAfterSeconds: 60,
      failures: 20,
    });
    expect(limiter.checkAll([])).toEqual({ action: 'allow' });
  });

  it('bounds memory by forgetting the least recently failing keys', () => {
    const { limiter, fail } = setup({ maxKeys: 100 });
    fail('client:victim', 20);
    for (let i = 0; i < 99; i++) fail(`ip:${i}`, 1);
    expect(limiter.trackedKeys).toBe(100);
    expect(limiter.check('client:victim').action).toBe('refuse');
    fail('ip:new', 1);
    expect(limiter.trackedKeys).toBe(100);
    expect(limiter.check('client:victim')).toEqual({ action: 'allow' });
    expect(limiter.check('ip:0')).toMatchObject({ action: 'allow' });
  });

  it('sweeps away keys whose failures have all left the window', () => {
    const { limiter, fail, advance } = setup();
    for (let i = 0; i < 10; i++) fail(`ip:${i}`, 1);
    advance(30_000);
    fail('ip:recent', 1);
    advance(30_000); // the first ten are now outside the window, ip:recent is not
    fail('ip:new', 6);
    expect(limiter.trackedKeys).toBe(2);
    expect(limiter.check('ip:recent')).toEqual({ action: 'allow' });
  });

  it('honours custom thresholds', () => {
    const { limiter, fail } = setup({
      slowAfter: 1,
      blockAfter: 3,
      windowSeconds: 10,
      baseDelayMs: 50,
      maxDelayMs: 75,
    });
    expect(limiter.recordFailure('k')).toEqual({ action: 'delay', delayMs: 50, failures: 1 });
    expect(limiter.recordFailure('k')).toEqual({ action: 'delay', delayMs: 75, failures: 2 });
    fail('k', 1);
    expect(limiter.check('k')).toEqual({ action: 'refuse', retryAfterSeconds: 10, failures: 3 });
  });

  it('rejects inconsistent options', () => {
    expect(() => new FailedAuthLimiter({ slowAfter: 10, blockAfter: 5 })).toThrow(RosterError);
    expect(() => new FailedAuthLimiter({ windowSeconds: 0 })).toThrow(RosterError);
    expect(() => new FailedAuthLimiter({ maxKeys: -1 })).toThrow(RosterError);
  });
});
