import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { RosterError } from '@roster/errors';
import { deriveKey, generateSecretsKey, KEY_PURPOSE, parseSecretsKey } from './secrets-key';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof RosterError ? e.code : 'not-a-roster-error';
  }
  return undefined;
};

describe('parseSecretsKey', () => {
  const raw = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

  it('accepts standard base64 of 32 bytes, with or without padding, and base64url', () => {
    for (const text of [raw.toString('base64'), raw.toString('base64').replace('=', ''), raw.toString('base64url')]) {
      expect(parseSecretsKey(`  ${text}\n`).export().equals(raw)).toBe(true);
    }
    // a key containing '+' and '/' in standard base64 must round-trip too
    const tricky = Buffer.alloc(32, 0xfb);
    expect(parseSecretsKey(tricky.toString('base64')).export().equals(tricky)).toBe(true);
    expect(parseSecretsKey(tricky.toString('base64url')).export().equals(tricky)).toBe(true);
  });

  it.each([
    ['unset', undefined],
    ['empty', '  '],
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['hex text', raw.toString('hex')],
    ['illegal characters', '!'.repeat(43) + '='],
  ])('rejects %s with invalid_secrets_key', (_label, value) => {
    expect(codeOf(() => parseSecretsKey(value))).toBe('invalid_secrets_key');
  });

  it('never echoes the value in the error message', () => {
    const value = randomBytes(31).toString('base64');
    try {
      parseSecretsKey(value);
      throw new Error('expected a failure');
    } catch (e) {
      expect((e as Error).message).not.toContain(value.slice(0, 10));
      expect((e as Error).message).toContain('openssl rand -base64 32');
    }
  });

  it('generateSecretsKey produces a value parseSecretsKey accepts', () => {
    expect(parseSecretsKey(generateSecretsKey()).symmetricKeySize).toBe(32);
  });
});

describe('deriveKey', () => {
  const master = parseSecretsKey(generateSecretsKey());

  it('is deterministic per purpose and differs between purposes', () => {
    const hashKey = deriveKey(master, KEY_PURPOSE.clientSecretHash);
    expect(hashKey.symmetricKeySize).toBe(32);
    expect(hashKey.equals(deriveKey(master, KEY_PURPOSE.clientSecretHash))).toBe(true);
    expect(hashKey.equals(deriveKey(master, KEY_PURPOSE.secretBox))).toBe(false);
    expect(hashKey.equals(master)).toBe(false);
  });

  it('differs between master keys', () => {
    const other = parseSecretsKey(generateSecretsKey());
    expect(deriveKey(master, 'p').equals(deriveKey(other, 'p'))).toBe(false);
  });

  it('matches RFC 5869 HKDF-SHA256 computed by hand', () => {
    const ikm = master.export();
    const prk = createHmac('sha256', Buffer.from('roster/secrets-key')).update(ikm).digest();
    const okm = createHmac('sha256', prk)
      .update(Buffer.concat([Buffer.from('purpose-x'), Buffer.from([1])]))
      .digest();
    expect(deriveKey(master, 'purpose-x').export().equals(okm)).toBe(true);
  });

  it('refuses a master key of the wrong size and an empty purpose', () => {
    expect(codeOf(() => deriveKey(createSecretKey(randomBytes(16)), 'p'))).toBe('invalid_secrets_key');
    expect(codeOf(() => deriveKey(master, ''))).toBe('invalid_key_purpose');
  });
});
