import { createSecretKey, hkdfSync, KeyObject, randomBytes } from 'node:crypto';
import { RosterError } from '@roster/errors';

export const SECRETS_KEY_BYTES = 32;

/**
 * HKDF `info` labels. Each use of SECRETS_KEY gets its own derived key so that, for example, a value sealed by the
 * SecretBox can never be confused with a secret hash, and one purpose can be re-keyed without touching the others.
 */
export const KEY_PURPOSE = {
  clientSecretHash: 'roster/client-secret-hash/v1',
  registrationTokenHash: 'roster/registration-access-token-hash/v1',
  secretBox: 'roster/secret-box/v1',
} as const;

// A fixed, public salt: the master key is already uniformly random, so HKDF needs no secret salt (RFC 5869 §3.1).
const HKDF_SALT = Buffer.from('roster/secrets-key', 'utf8');
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/;

const invalidKey = (why: string): RosterError =>
  new RosterError(
    'validation',
    'invalid_secrets_key',
    `SECRETS_KEY ${why}; it must be the base64 encoding of exactly ${SECRETS_KEY_BYTES} random bytes ` +
      '(generate one with: openssl rand -base64 32)',
  );

/**
 * Parses SECRETS_KEY (standard base64, or base64url without padding). The value itself never appears in the error.
 * Returns a KeyObject so the bytes do not leak through JSON.stringify or util.inspect.
 */
export function parseSecretsKey(value: string | undefined): KeyObject {
  const text = value?.trim();
  if (!text) throw invalidKey('is not set');
  if (!BASE64_32_BYTES.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    throw invalidKey(`is not valid (${text.length} characters, about ${decoded.length} bytes)`);
  }
  const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  if (bytes.length !== SECRETS_KEY_BYTES) throw invalidKey(`decodes to ${bytes.length} bytes`);
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

/** A fresh SECRETS_KEY in the format parseSecretsKey accepts (used when the embedded mode writes one to DATA_DIR). */
export function generateSecretsKey(): string {
  return randomBytes(SECRETS_KEY_BYTES).toString('base64');
}

/** HKDF-SHA256(master, purpose) → a 32-byte key dedicated to one purpose. */
export function deriveKey(master: KeyObject, purpose: string): KeyObject {
  if (master.type !== 'secret' || master.symmetricKeySize !== SECRETS_KEY_BYTES) {
    throw invalidKey('is not a 32-byte secret key');
  }
  if (!purpose) throw new RosterError('validation', 'invalid_key_purpose', 'A key purpose label is required');
  const derived = Buffer.from(hkdfSync('sha256', master, HKDF_SALT, Buffer.from(purpose, 'utf8'), 32));
  const key = createSecretKey(derived);
  derived.fill(0);
  return key;
}
