import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { RosterError } from '@roster/errors';
import { generateClientSecret } from './random-ids';
import { SecretHasher } from './secret-hasher';

describe('SecretHasher', () => {
  const key = createSecretKey(randomBytes(32));
  const hasher = new SecretHasher(key);
  const secret = generateClientSecret();

  it('produces a versioned HMAC-SHA256 that does not contain the secret', () => {
    const hash = hasher.hash(secret);
    expect(hash).toMatch(/^h1\.[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe('h1.' + createHmac('sha256', key).update(secret).digest('base64url'));
    expect(hash).not.toContain(secret);
    expect(hasher.hash(secret)).toBe(hash);
  });

  it('verifies the right secret and rejects a wrong one', () => {
    const hash = hasher.hash(secret);
    expect(hasher.verify(secret, hash)).toBe(true);
    expect(hasher.verify(generateClientSecret(), hash)).toBe(false);
    expect(hasher.verify(secret.slice(0, -1), hash)).toBe(false);
  });

  it('depends on the key: another key neither reproduces nor verifies the hash', () => {
    const other = new SecretHasher(createSecretKey(randomBytes(32)));
    expect(other.hash(secret)).not.toBe(hasher.hash(secret));
    expect(other.verify(secret, hasher.hash(secret))).toBe(false);
  });

  it.each([
    ['empty hash', ''],
    ['no version', createHmac('sha256', key).update('x').digest('base64url')],
    ['unknown version', 'h9.' + 'A'.repeat(43)],
    ['short digest', 'h1.AAAA'],
    ['long digest', 'h1.' + 'A'.repeat(44)],
    ['non-base64 characters', 'h1.' + '!'.repeat(43)],
    ['a number', 42],
    ['null', null],
  ])('returns false, without throwing, for a malformed stored hash: %s', (_label, hash) => {
    expect(hasher.verify(secret, hash)).toBe(false);
  });

  it('returns false for malformed presented secrets', () => {
    const hash = hasher.hash(secret);
    expect(hasher.verify('', hash)).toBe(false);
    expect(hasher.verify(undefined, hash)).toBe(false);
    expect(hasher.verify('x'.repeat(5000), hash)).toBe(false);
  });

  it('refuses to hash an empty or oversized secret and to run with a short key', () => {
    expect(() => hasher.hash('')).toThrow(RosterError);
    expect(() => hasher.hash('x'.repeat(1025))).toThrow(RosterError);
    expect(() => new SecretHasher(createSecretKey(randomBytes(16)))).toThrow(RosterError);
  });
});
