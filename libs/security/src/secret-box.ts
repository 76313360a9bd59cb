import { createCipheriv, createDecipheriv, KeyObject, randomBytes } from 'node:crypto';
import { RosterError } from '@roster/errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEGMENT = /^[A-Za-z0-9_-]*$/;

const corrupt = (reason: 'format' | 'authentication'): RosterError =>
  new RosterError(
    'internal',
    'sealed_value_corrupt',
    'A sealed value could not be opened: it was altered or truncated, or sealed with another SECRETS_KEY or context',
    { details: { reason } },
  );

/**
 * Encryption at rest for private keys and sink credentials: AES-256-GCM with a random 96-bit IV per value.
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url. The optional `aad` binds a value to its context
 * (e.g. `tenant/t1/log-stream/lst_x/sink`), so a sealed value copied to another record fails to open.
 */
export class SecretBox {
  constructor(private readonly key: KeyObject) {
    if (key.type !== 'secret' || key.symmetricKeySize !== 32) {
      throw new RosterError('internal', 'invalid_box_key', 'SecretBox needs a 32-byte secret key');
    }
  }

  seal(plaintext: string | Buffer, aad?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Returns the plaintext bytes; callers holding key material should zero the buffer when done. */
  open(sealed: string, aad?: string): Buffer {
    const parts = typeof sealed === 'string' ? sealed.split('.') : [];
    if (parts.length !== 4 || parts[0] !== VERSION || !parts.every((p) => SEGMENT.test(p))) throw corrupt('format');
    const [iv, ciphertext, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw corrupt('format');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw corrupt('authentication');
    }
  }

  openText(sealed: string, aad?: string): string {
    return this.open(sealed, aad).toString('utf8');
  }
}
