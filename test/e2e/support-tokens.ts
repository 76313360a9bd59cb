import { JsonWebKey, createPublicKey, verify, webcrypto } from 'crypto';
import { loadOrCreateSecretsKey } from '@roster/runtime';
import { JwtClaims, createSecretCrypto, openSigningKey, parseSecretsKey, signJwt } from '@roster/security';
import { tenantStream } from '@roster/registry-domain';
import type { PublicSigningJwk, SigningKeyRotated } from '@roster/registry-domain';
import type { RosterInstance } from '../support/roster-instance';

/**
 * Tokens made outside the token endpoint, with the tenant's real current signing key (opened from the event store
 * with the instance's DATA_DIR secrets key). They let a test present a token that is genuine in every respect but
 * one (expired, wrong issuer, ...), so a 401 can only come from that one defect.
 */
export const signWithTenantKey = async (roster: RosterInstance, tenant: string, claims: JwtClaims): Promise<string> => {
  const events = await roster.storage.eventStore.readStream(tenantStream(tenant));
  const rotated = events.filter((e) => e.type === 'SigningKeyRotated').pop();
  if (!rotated) throw new Error(`tenant ${tenant} has no signing key`);
  const data = rotated.data as SigningKeyRotated['data'];
  const box = createSecretCrypto(parseSecretsKey(await loadOrCreateSecretsKey(undefined, roster.dataDir))).box;
  const privateKey = openSigningKey(
    { kid: data.kid, alg: 'ES256', public_jwk: data.public_jwk, sealed_private_key: data.sealed_private_key },
    box,
  );
  return signJwt(claims, { kid: data.kid, privateKey, typ: 'at+jwt' });
};

/** Claims like the token endpoint's for a Management API token of `tenant`, valid for an hour unless overridden. */
export const managementClaims = (
  roster: RosterInstance,
  tenant: string,
  clientId: string,
  overrides: JwtClaims = {},
): JwtClaims => {
  const now = Math.floor(Date.now() / 1000);
  const base = roster.tenantBase(tenant);
  return {
    iss: `${base}/`,
    sub: `${clientId}@clients`,
    aud: `${base}/api/v2/`,
    iat: now,
    exp: now + 3600,
    jti: webcrypto.randomUUID(),
    scope: 'read:clients',
    gty: 'client-credentials',
    azp: clientId,
    ...overrides,
  };
};

export type Jwks = { keys: PublicSigningJwk[] };

/** The tenant's published JWKS. */
export const fetchJwks = async (roster: RosterInstance, tenant = 'default'): Promise<Jwks> => {
  const response = await fetch(`${roster.tenantBase(tenant)}/.well-known/jwks.json`);
  if (response.status !== 200) throw new Error(`JWKS of ${tenant}: ${response.status}`);
  return (await response.json()) as Jwks;
};

/**
 * Verifies a compact ES256 JWS against a JWKS the way an outside resource server would: pick the key by `kid`,
 * build it from the JWK with node:crypto, check the raw (r||s) signature. Returns the kid that verified it.
 */
export const verifyWithJwks = (token: string, jwks: Jwks): string => {
  const [header, payload, signature] = token.split('.');
  const { alg, kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg: string; kid: string };
  if (alg !== 'ES256') throw new Error(`unexpected alg ${alg}`);
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`kid ${kid} is not in the JWKS`);
  const key = createPublicKey({ key: { ...jwk } as JsonWebKey, format: 'jwk' });
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error(`signature does not verify with kid ${kid}`);
  return kid;
};
