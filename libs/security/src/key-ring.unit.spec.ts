import { RosterError } from '@roster/errors';
import { RingKey, SigningKeyRing } from './key-ring';

const key = (kid: string): RingKey => ({
  kid,
  public_jwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}`, kid, alg: 'ES256', use: 'sig' },
});
const kids = (ring: SigningKeyRing<RingKey>, now: number): string[] => ring.jwks(now).keys.map((k) => k.kid);
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof RosterError ? e.code : 'not-a-roster-error';
  }
  return undefined;
};

const DAY = 86_400;
const T0 = 1_700_000_000;

describe('SigningKeyRing', () => {
  const first = SigningKeyRing.create(key('a'), T0);

  it('publishes the current key alone at first', () => {
    expect(first.current.kid).toBe('a');
    expect(first.jwks(T0 + 10 * DAY)).toEqual({ keys: [key('a').public_jwk] });
  });

  it('keeps the previous key published until rotation time + the kept period, then drops it', () => {
    const ring = first.rotate(key('b'), T0 + DAY, 3600);
    expect(ring.current.kid).toBe('b');
    expect(ring.previous).toEqual([{ key: key('a'), retired_at: T0 + DAY, valid_until: T0 + DAY + 3600 }]);
    expect(kids(ring, T0 + DAY + 3599)).toEqual(['b', 'a']);
    expect(kids(ring, T0 + DAY + 3600)).toEqual(['b']);
    expect(ring.find('a', T0 + DAY + 10)?.kid).toBe('a');
    expect(ring.find('a', T0 + DAY + 3600)).toBeUndefined();
    expect(ring.prune(T0 + DAY + 3600).previous).toEqual([]);
    expect(ring.prune(T0 + DAY).previous).toHaveLength(1);
  });

  it('does not change the ring it rotated from', () => {
    first.rotate(key('b'), T0 + DAY, 3600);
    expect(first.current.kid).toBe('a');
    expect(first.previous).toEqual([]);
  });

  it('keeps several retired keys, newest first, each with its own expiry, and drops expired ones on rotation', () => {
    const ring = first
      .rotate(key('b'), T0 + 100, 1000) // a until T0+1100
      .rotate(key('c'), T0 + 200, 5000) // b until T0+5200
      .rotate(key('d'), T0 + 300, 1000); // c until T0+1300
    expect(kids(ring, T0 + 300)).toEqual(['d', 'c', 'b', 'a']);
    expect(kids(ring, T0 + 1200)).toEqual(['d', 'c', 'b']);
    expect(kids(ring, T0 + 2000)).toEqual(['d', 'b']);
    const later = ring.rotate(key('e'), T0 + 6000, 10);
    expect(later.previous.map((r) => r.key.kid)).toEqual(['d']);
  });

  it('a zero keep period unpublishes the old key immediately', () => {
    expect(kids(first.rotate(key('b'), T0 + 5, 0), T0 + 5)).toEqual(['b']);
  });

  it('refuses duplicate kids, time going backwards and bad durations', () => {
    const ring = first.rotate(key('b'), T0 + 100, 1000);
    expect(codeOf(() => ring.rotate(key('a'), T0 + 200, 10))).toBe('signing_key_exists');
    expect(codeOf(() => ring.rotate(key('b'), T0 + 200, 10))).toBe('signing_key_exists');
    expect(codeOf(() => ring.rotate(key('c'), T0 + 50, 10))).toBe('invalid_key_ring_time');
    expect(codeOf(() => ring.rotate(key('c'), T0 + 200, -1))).toBe('invalid_key_ring_time');
    expect(codeOf(() => ring.rotate(key('c'), T0 + 200, Number.NaN))).toBe('invalid_key_ring_time');
  });

  it('revokes a retired key at once but never the current one', () => {
    const ring = first.rotate(key('b'), T0 + 100, 1000);
    expect(kids(ring.revoke('a'), T0 + 100)).toEqual(['b']);
    expect(codeOf(() => ring.revoke('b'))).toBe('cannot_revoke_current_key');
    expect(codeOf(() => ring.revoke('zzz'))).toBe('signing_key_not_found');
  });

  it('round-trips through plain JSON state', () => {
    const ring = first.rotate(key('b'), T0 + 100, 1000);
    const restored = SigningKeyRing.fromState(JSON.parse(JSON.stringify(ring.toState())));
    expect(restored.toState()).toEqual(ring.toState());
    expect(kids(restored, T0 + 500)).toEqual(['b', 'a']);
  });
});
