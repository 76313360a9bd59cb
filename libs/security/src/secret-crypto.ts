import { KeyObject } from 'node:crypto';
import { SecretBox } from './secret-box';
import { SecretHasher } from './secret-hasher';
import { deriveKey, KEY_PURPOSE } from './secrets-key';

/** The keyed services built from one SECRETS_KEY, each on its own HKDF-derived key. */
export interface SecretCrypto {
  /** Client secrets (stored as `h1.` hashes). */
  clientSecrets: SecretHasher;
  /** RFC 7592 registration access tokens (stored as hashes, like client secrets, under a different key). */
  registrationTokens: SecretHasher;
  /** Private signing keys and sink credentials at rest. */
  box: SecretBox;
}

export function createSecretCrypto(secretsKey: KeyObject): SecretCrypto {
  return {
    clientSecrets: new SecretHasher(deriveKey(secretsKey, KEY_PURPOSE.clientSecretHash)),
    registrationTokens: new SecretHasher(deriveKey(secretsKey, KEY_PURPOSE.registrationTokenHash)),
    box: new SecretBox(deriveKey(secretsKey, KEY_PURPOSE.secretBox)),
  };
}
