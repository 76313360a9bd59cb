import { randomBytes } from 'node:crypto';
import { RosterError } from '@roster/errors';

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const CLIENT_ID_LENGTH = 32;
/** 48 random bytes = 384 bits, encoded as 64 base64url characters; well above RFC 6749 §10.10's 2^-160 SHOULD. */
export const CLIENT_SECRET_BYTES = 48;

/**
 * Uniformly random string over `alphabet`. Bytes at or above the largest multiple of the alphabet size are rejected
 * (rejection sampling), so `byte % size` has no modulo bias: with 62 symbols, 248..255 are thrown away.
 */
export function randomString(alphabet: string, length: number): string {
  const size = alphabet.length;
  if (size < 2 || size > 256) {
    throw new RosterError('validation', 'invalid_alphabet', `Alphabet must have 2 to 256 symbols, got ${size}`);
  }
  if (!Number.isInteger(length) || length < 1) {
    throw new RosterError('validation', 'invalid_id_length', `Length must be a positive integer, got ${length}`);
  }
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    // Over-draw a little so one batch almost always suffices (acceptance rate is limit/256, >= 50%).
    const batch = randomBytes(Math.ceil(((length - out.length) * 256) / limit) + 8);
    for (let i = 0; i < batch.length && out.length < length; i++) {
      const byte = batch[i];
      if (byte < limit) out += alphabet[byte % size];
    }
  }
  return out;
}

/** 32 alphanumeric characters (≈190 bits), the shape of an Auth0 client_id. */
export function generateClientId(): string {
  return randomString(ALPHANUMERIC, CLIENT_ID_LENGTH);
}

/** 64 base64url characters from 48 random bytes (384 bits). Returned once to the caller, stored only hashed. */
export function generateClientSecret(): string {
  return randomBytes(CLIENT_SECRET_BYTES).toString('base64url');
}

const PREFIX_PATTERN = /^[a-z][a-z0-9]*_$/;

/** Prefixed entity id such as `con_` + 16 alphanumerics (Auth0's connection id shape); ≈95 bits at length 16. */
export function generateId(prefix: string, length = 16): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new RosterError('validation', 'invalid_id_prefix', `Id prefix must look like "con_", got "${prefix}"`);
  }
  return prefix + randomString(ALPHANUMERIC, length);
}
