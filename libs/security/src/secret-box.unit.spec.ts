import { createSecretKey, randomBytes } from 'node:crypto';
import { RosterError } from '@roster/errors';
import { SecretBox } from './secret-box';

const reasonOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    if (e instanceof RosterError && e.code === 'sealed_value_corrupt') return e.details?.reason;
    throw e;
  }
  throw new Error('expected sealed_value_corrupt');
};

/** Flips one bit of the decoded part `index` (1 = iv, 2 = ciphertext, 3 = tag). */
const flip = (sealed: string, index: number): string => {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[0] ^= 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
};

describe('SecretBox', () => {
  const box = new SecretBox(createSecretKey(randomBytes(32)));
  const credential = 'splunk-hec-token-0b1c2d';

  it('round-trips strings and buffers without exposing the plaintext', () => {
    const sealed = box.seal(credential);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(credential);
    expect(box.openText(sealed)).toBe(credential);
    const bytes = randomBytes(100);
    expect(box.open(box.seal(bytes)).equals(bytes)).toBe(true);
    expect(box.openText(box.seal(''))).toBe('');
  });

  it('uses a fresh IV for every seal', () => {
    expect(box.seal(credential)).not.toBe(box.seal(credential));
  });

  it('binds the value to its aad', () => {
    const sealed = box.seal(credential, 'tenant/a/log-stream/1');
    expect(box.openText(sealed, 'tenant/a/log-stream/1')).toBe(credential);
    expect(reasonOf(() => box.open(sealed, 'tenant/b/log-stream/1'))).toBe('authentication');
    expect(reasonOf(() => box.open(sealed))).toBe('authentication');
    expect(reasonOf(() => box.open(box.seal(credential), 'tenant/a/log-stream/1'))).toBe('authentication');
  });

  it.each([
    ['iv', 1],
    ['ciphertext', 2],
    ['tag', 3],
  ])('detects a flipped bit in the %s', (_label, index) => {
    expect(reasonOf(() => box.open(flip(box.seal(credential), index)))).toBe('authentication');
  });

  it('refuses a value sealed with another key', () => {
    const other = new SecretBox(createSecretKey(randomBytes(32)));
    expect(reasonOf(() => box.open(other.seal(credential)))).toBe('authentication');
  });

  it.each([
    ['empty', ''],
    ['plaintext', credential],
    ['unknown version', box.seal(credential).replace(/^v1/, 'v2')],
    ['missing part', box.seal(credential).split('.').slice(0, 3).join('.')],
    ['truncated tag', box.seal(credential).slice(0, -4)],
    ['non-base64url characters', box.seal(credential).replace(/\.([^.]*)$/, '.$1!')],
  ])('reports a malformed value (%s) as format corruption', (_label, sealed) => {
    expect(reasonOf(() => box.open(sealed))).toBe('format');
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(createSecretKey(randomBytes(16)))).toThrow(RosterError);
  });
});
