import type { RegistrySettings } from '../infrastructure/registry-settings';
import { RegistrationLimits } from './dynamic-registration';

const limits = (perSecond: number, perMinute: number) =>
  new RegistrationLimits({
    registrationRateLimitPerSecond: perSecond,
    registrationIpRateLimitPerMinute: perMinute,
  } as RegistrySettings);

const allowed = (take: () => void): boolean => {
  try {
    take();
    return true;
  } catch {
    return false;
  }
};

describe('RegistrationLimits', () => {
  it('refuses one address past its burst without spending the budget the tenant shares with others', () => {
    const limiter = limits(5, 6); // tenant: 5 at once; address: a burst of 1
    const fromA = Array.from({ length: 10 }, () => allowed(() => limiter.take('acme', '203.0.113.1')));
    expect(fromA.filter(Boolean)).toHaveLength(1);
    const others = ['203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5'];
    expect(others.map((ip) => allowed(() => limiter.take('acme', ip)))).toEqual([true, true, true, true]);
    // The tenant's five are now spent, whoever asks next.
    expect(allowed(() => limiter.take('acme', '203.0.113.6'))).toBe(false);
    expect(allowed(() => limiter.take('globex', '203.0.113.6'))).toBe(true);
  });

  it('answers a refusal as retriable temporarily_unavailable with a Retry-After', () => {
    const limiter = limits(1, 60);
    limiter.take('acme', '198.51.100.1');
    expect(() => limiter.take('acme', '198.51.100.2')).toThrow(
      expect.objectContaining({ code: 'temporarily_unavailable', details: { retryAfterSeconds: expect.any(Number) } }),
    );
  });
});
