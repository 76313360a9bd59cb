import { createHmac, KeyObject, timingSafeEqual } from 'node:crypto';
import { RosterError } from '@roster/errors';

const VERSION_PREFIX = 'h1.';
const DIGEST_BYTES = 32;
const ENCODED_DIGEST = /^[A-Za-z0-9_-]{43}$/;
/** Longer inputs cannot be a secret we issued; refusing them early keeps a flood of huge "secrets" cheap. */
export const MAX_SECRET_LENGTH = 1024;

/**
 * Keyed one-way hash of machine-generated secrets (client secrets, registration access tokens).
 * Those secrets carry ≥256 bits, so a single HMAC-SHA256 with a server-side key (a "pepper" from SECRETS_KEY) resists
 * offline guessing while costing microseconds; a slow KDF would only make the token endpoint easier to overload
 * (reference/security-reliability-perf.md §1.5, §3.4). The 'h1.' prefix leaves room for a different scheme later.
 */
export class SecretHasher {
  constructor(private readonly key: KeyObject) {
    if (key.type !== 'secret' || (key.symmetricKeySize ?? 0) < 32) {
      throw new RosterError('internal', 'invalid_hash_key', 'SecretHasher needs a secret key of at least 32 bytes');
    }
  }

  hash(secret: string): string {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) {
      throw new RosterError('validation', 'invalid_secret', `A secret must be 1 to ${MAX_SECRET_LENGTH} characters`);
    }
    return VERSION_PREFIX + this.digest(secret).toString('base64url');
  }

  /** Constant-time comparison; any malformed secret or stored hash is simply "no match", never an exception. */
  verify(secret: unknown, hash: unknown): boolean {
    if (typeof secret !== 'string' || typeof hash !== 'string') return false;
    if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return false;
    const actual = this.digest(secret);
    const encoded = hash.startsWith(VERSION_PREFIX) ? hash.slice(VERSION_PREFIX.length) : '';
    if (!ENCODED_DIGEST.test(encoded)) return false;
    const expected = Buffer.from(encoded, 'base64url');
    return expected.length === DIGEST_BYTES && timingSafeEqual(actual, expected);
  }

  private digest(secret: string): Buffer {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest();
  }
}
