import { createPublicKey, createSecretKey, randomBytes, sign, verify } from 'node:crypto';
import { RosterError } from '@roster/errors';
import { SecretBox } from './secret-box';
import { generateSigningKey, jwkThumbprint, openSigningKey } from './signing-keys';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof RosterError ? e.code : 'not-a-roster-error';
  }
  return undefined;
};

describe('jwkThumbprint', () => {
  it('matches the RFC 8037 Appendix A.3 example (Ed25519)', () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    expect(jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('ignores optional members and their order', () => {
    const ec = { y: 'Y', x: 'X', kty: 'EC', crv: 'P-256' };
    expect(jwkThumbprint({ ...ec, kid: 'k', use: 'sig', alg: 'ES256' })).toBe(jwkThumbprint(ec));
  });

  it('rejects unknown key types and missing members', () => {
    expect(codeOf(() => jwkThumbprint({ kty: 'oct', k: 'abc' }))).toBe('invalid_jwk');
    expect(codeOf(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'X' }))).toBe('invalid_jwk');
  });
});

describe('signing keys', () => {
  const box = new SecretBox(createSecretKey(randomBytes(32)));

  it('generates a P-256 key whose kid is the thumbprint of its public JWK', () => {
    const material = generateSigningKey(box);
    const { public_jwk: jwk } = material;
    expect(material.alg).toBe('ES256');
    expect(jwk).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: material.kid, alg: 'ES256', use: 'sig' });
    expect(jwk.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(material.kid).toBe(jwkThumbprint(jwk));
    expect(JSON.stringify(material)).not.toMatch(/"d"/);
    expect(generateSigningKey(box).kid).not.toBe(material.kid);
  });

  it('opens the sealed private key, which signs for the published public key', () => {
    const material = generateSigningKey(box);
    const privateKey = openSigningKey(material, box);
    const data = Buffer.from('header.payload');
    const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const publicKey = createPublicKey({ key: material.public_jwk, format: 'jwk' });
    expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });

  it('refuses a sealed key swapped onto another key record, and another SECRETS_KEY', () => {
    const a = generateSigningKey(box);
    const b = generateSigningKey(box);
    expect(codeOf(() => openSigningKey({ ...a, sealed_private_key: b.sealed_private_key }, box))).toBe(
      'sealed_value_corrupt',
    );
    const otherBox = new SecretBox(createSecretKey(randomBytes(32)));
    expect(codeOf(() => openSigningKey(a, otherBox))).toBe('sealed_value_corrupt');
  });

  it('refuses a record whose public JWK was replaced', () => {
    const a = generateSigningKey(box);
    const b = generateSigningKey(box);
    expect(codeOf(() => openSigningKey({ ...a, public_jwk: { ...b.public_jwk, kid: a.kid } }, box))).toBe(
      'signing_key_mismatch',
    );
  });
});
