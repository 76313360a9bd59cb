import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { RosterError } from '@roster/errors';
import { SecretBox } from './secret-box';

/** Public half of a tenant signing key, as published in the JWKS. */
// A type alias (not an interface) so it is assignable to JWK parameters with index signatures.
export type PublicSigningJwk = {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
};

/** What is stored for a signing key: the public JWK in clear, the PKCS#8 private key sealed by the SecretBox. */
export interface SigningKeyMaterial {
  kid: string;
  alg: 'ES256';
  public_jwk: PublicSigningJwk;
  sealed_private_key: string;
}

// RFC 7638 §3.2: only the required members, in lexicographic order.
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/** RFC 7638 JWK SHA-256 thumbprint, base64url. */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string {
  const members = typeof jwk.kty === 'string' ? THUMBPRINT_MEMBERS[jwk.kty] : undefined;
  if (!members || members.some((m) => typeof jwk[m] !== 'string')) {
    throw new RosterError('validation', 'invalid_jwk', 'JWK thumbprint needs an EC, OKP or RSA key with its members');
  }
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** The private key is sealed with its kid as AAD so a sealed key cannot be swapped onto another public key. */
const sealContext = (kid: string): string => `roster/signing-key/${kid}`;

export function generateSigningKey(box: SecretBox): SigningKeyMaterial {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string' || typeof y !== 'string') {
    throw new RosterError('internal', 'signing_key_generation_failed', 'P-256 key export lacked coordinates');
  }
  const kid = jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    return {
      kid,
      alg: 'ES256',
      public_jwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' },
      sealed_private_key: box.seal(der, sealContext(kid)),
    };
  } finally {
    der.fill(0);
  }
}

/** Opens the sealed private key and checks it really is the private half of the published public key. */
export function openSigningKey(material: SigningKeyMaterial, box: SecretBox): KeyObject {
  const der = box.open(material.sealed_private_key, sealContext(material.kid));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new RosterError('internal', 'signing_key_mismatch', `Signing key ${material.kid} is not a valid key`, {
      cause,
    });
  } finally {
    der.fill(0);
  }
  const pub = createPublicKey(privateKey).export({ format: 'jwk' });
  if (
    privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1' ||
    pub.x !== material.public_jwk.x ||
    pub.y !== material.public_jwk.y
  ) {
    throw new RosterError(
      'internal',
      'signing_key_mismatch',
      `Signing key ${material.kid}: the private key does not match its public JWK`,
    );
  }
  return privateKey;
}
