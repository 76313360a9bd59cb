import { RosterError } from '@roster/errors';
import { ALPHANUMERIC, generateClientId, generateClientSecret, generateId, randomString } from './random-ids';

describe('random ids', () => {
  it('client ids are 32 alphanumerics and do not repeat', () => {
    const ids = new Set(Array.from({ length: 500 }, generateClientId));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('client secrets are 64 base64url characters that decode to 48 bytes', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(48);
    expect(generateClientSecret()).not.toBe(secret);
  });

  it('prefixed ids keep the prefix and the requested length', () => {
    expect(generateId('con_')).toMatch(/^con_[A-Za-z0-9]{16}$/);
    expect(generateId('lst_', 24)).toMatch(/^lst_[A-Za-z0-9]{24}$/);
  });

  it('rejects bad prefixes and lengths', () => {
    expect(() => generateId('Con-')).toThrow(RosterError);
    expect(() => generateId('con_', 0)).toThrow(RosterError);
    expect(() => randomString('a', 4)).toThrow(RosterError);
  });

  it('uses every symbol with no visible bias (chi-square over 62 symbols)', () => {
    // 124,000 draws, 2,000 expected per symbol. A modulo-biased generator (byte % 62) gives the first 8 symbols 5/256
    // instead of 4/256 and scores about 800; a fair one exceeds 150 (61 d.o.f.) with probability below 1e-8.
    const sample = randomString(ALPHANUMERIC, 124_000);
    const counts = new Map<string, number>();
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = sample.length / 62;
    let chiSquare = 0;
    for (const n of counts.values()) chiSquare += (n - expected) ** 2 / expected;
    expect(chiSquare).toBeLessThan(150);
  });
});
