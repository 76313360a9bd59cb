import { createHash } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** SHA-256 of the parts, unambiguously joined (JSON array), as a big integer. */
const digest = (parts: readonly string[]): bigint =>
  BigInt(`0x${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`);

/** `length` base62 characters derived from the parts (same parts, same id; ~95 bits for 16 chars). */
export const base62Id = (parts: readonly string[], length: number): string => {
  let value = digest(parts);
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out += BASE62[Number(value % 62n)];
    value /= 62n;
  }
  return out;
};

/** `length` lower-case hex characters derived from the parts. */
export const hexId = (parts: readonly string[], length: number): string =>
  digest(parts).toString(16).padStart(64, '0').slice(0, length);

/** A version-8 (RFC 9562, name-based custom) UUID derived from the parts: same parts, same id. */
export const derivedUuid = (parts: readonly string[]): string => {
  const bytes = createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
