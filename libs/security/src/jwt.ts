import { createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { RosterError } from '@roster/errors';
import { BoundedMap } from './bounded-map';

/** Registered claims (RFC 7519 §4.1) plus whatever else the issuer adds. Times are NumericDate (epoch seconds). */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

export interface JwtSigningKey {
  kid: string;
  /** A P-256 private key, e.g. from openSigningKey. */
  privateKey: KeyObject;
  /** Header `typ`; 'JWT' unless told (RFC 9068 access tokens may use 'at+jwt'). */
  typ?: string;
}

const SIGN_OPTIONS = { dsaEncoding: 'ieee-p1363' } as const;
const SIGNATURE_BYTES = 64; // r || s, 32 bytes each, for P-256 in IEEE P1363 form

// The header is the same for every token of a kid, so its base64url form is computed once. Bounded: kids come from
// tenant key rings, and a long-lived process may see many tenants.
const encodedHeaders = new BoundedMap<string, string>(4096);
// Checking a KeyObject's curve costs more than a lookup, so each key is checked once.
const checkedSigningKeys = new WeakSet<KeyObject>();

function encodedHeader(kid: string, typ: string): string {
  const cacheKey = `${typ}\u0000${kid}`;
  let header = encodedHeaders.get(cacheKey);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: 'ES256', typ, kid }), 'utf8').toString('base64url');
    encodedHeaders.set(cacheKey, header);
  }
  return header;
}

function assertEs256PrivateKey(key: KeyObject): void {
  if (checkedSigningKeys.has(key)) return;
  if (
    key.type !== 'private' ||
    key.asymmetricKeyType !== 'ec' ||
    key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new RosterError('internal', 'invalid_signing_key', 'ES256 signing needs a P-256 private key');
  }
  checkedSigningKeys.add(key);
}

/** Signs `claims` as a compact ES256 JWS. The caller sets iat/exp: this module has no clock. */
export function signJwt(claims: JwtClaims, key: JwtSigningKey): string {
  if (typeof key.kid !== 'string' || key.kid.length === 0) {
    throw new RosterError('internal', 'invalid_signing_key', 'A signing key needs a kid');
  }
  assertEs256PrivateKey(key.privateKey);
  const signingInput = `${encodedHeader(key.kid, key.typ ?? 'JWT')}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'latin1'), { key: key.privateKey, ...SIGN_OPTIONS });
  return `${signingInput}.${signature.toString('base64url')}`;
}

export type InvalidTokenReason =
  | 'malformed'
  | 'unsupported_alg'
  | 'unknown_kid'
  | 'bad_signature'
  | 'missing_claim'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience';

const REASON_TEXT: Record<InvalidTokenReason, string> = {
  malformed: 'the token is not a well-formed JWT',
  unsupported_alg: 'the token is not signed with ES256',
  unknown_kid: 'the token was signed with an unknown key',
  bad_signature: 'the token signature is invalid',
  missing_claim: 'the token lacks a required claim',
  expired: 'the token has expired',
  not_yet_valid: 'the token is not valid yet',
  wrong_issuer: 'the token was issued by another issuer',
  wrong_audience: 'the token is not meant for this audience',
};

/** 401 invalid_token (RFC 6750 §3.1). The token itself is never part of the message or details. */
export class InvalidTokenError extends RosterError {
  constructor(readonly reason: InvalidTokenReason) {
    super('unauthorized', 'invalid_token', `Invalid token: ${REASON_TEXT[reason]}`, { details: { reason } });
    this.name = 'InvalidTokenError';
  }
}

export interface JwtVerifierOptions {
  /** Accepted clock skew for exp/nbf/iat, in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** Longer tokens are refused before any decoding. Default 8 KiB. */
  maxTokenLength?: number;
}

export interface JwtVerifyOptions {
  issuer: string;
  /** The audience (or audiences) this verifier serves; the token's `aud` must contain one of them. */
  audience: string | readonly string[];
  /** Current time, epoch seconds. */
  now: number;
}

/** Members of a public ES256 JWK the verifier accepts; extra members (x5c, key_ops, ...) are ignored. */
export interface Es256PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid?: string;
  alg?: string;
  use?: string;
  [member: string]: unknown;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const fail = (reason: InvalidTokenReason): never => {
  throw new InvalidTokenError(reason);
};

function decodeJsonObject(segment: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  return fail('malformed');
}

/** A NumericDate claim: absent, or a finite number; anything else makes the token malformed. */
function numericDate(claims: JwtClaims, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : fail('malformed');
}

function audiences(aud: unknown): readonly unknown[] {
  return Array.isArray(aud) ? aud : [aud];
}

function importPublicKey(jwk: Es256PublicJwk): [string, KeyObject] {
  const { kid } = jwk;
  const usable =
    jwk.kty === 'EC' &&
    jwk.crv === 'P-256' &&
    typeof kid === 'string' &&
    kid.length > 0 &&
    jwk.d === undefined &&
    (jwk.alg === undefined || jwk.alg === 'ES256') &&
    (jwk.use === undefined || jwk.use === 'sig');
  if (!usable) {
    throw new RosterError(
      'validation',
      'invalid_jwk',
      'Expected a public EC P-256 JWK with a kid, for ES256 signatures',
    );
  }
  try {
    return [kid, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' })];
  } catch (cause) {
    throw new RosterError('validation', 'invalid_jwk', `JWK ${kid} is not a valid P-256 public key`, { cause });
  }
}

/**
 * Verifies compact ES256 JWTs against a key ring indexed by kid. Only ES256 is accepted, whatever the header says,
 * which rules out `none` and algorithm-confusion attacks. Claims are parsed only after the signature checks out.
 */
export class JwtVerifier {
  private keys = new Map<string, KeyObject>();
  private readonly tolerance: number;
  private readonly maxTokenLength: number;

  constructor(options: JwtVerifierOptions = {}) {
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.maxTokenLength = options.maxTokenLength ?? 8192;
  }

  addKey(jwk: Es256PublicJwk): void {
    const [kid, key] = importPublicKey(jwk);
    this.keys.set(kid, key);
  }

  /** Replaces the whole ring, e.g. with SigningKeyRing.jwks(now).keys after a rotation; all or nothing. */
  replaceKeys(jwks: readonly Es256PublicJwk[]): void {
    this.keys = new Map(jwks.map(importPublicKey));
  }

  removeKey(kid: string): boolean {
    return this.keys.delete(kid);
  }

  hasKey(kid: string): boolean {
    return this.keys.has(kid);
  }

  verify(token: unknown, options: JwtVerifyOptions): JwtClaims {
    if (typeof token !== 'string' || token.length > this.maxTokenLength || !COMPACT_JWS.test(token)) {
      return fail('malformed');
    }
    const firstDot = token.indexOf('.');
    const lastDot = token.lastIndexOf('.');
    const header = decodeJsonObject(token.slice(0, firstDot));
    if (header.alg !== 'ES256') return fail('unsupported_alg');
    // RFC 7515 §4.1.11: an extension we do not understand listed in `crit` makes the token invalid; we understand none.
    if (header.crit !== undefined) return fail('malformed');
    const key = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
    if (key === undefined) return fail('unknown_kid');

    const signature = Buffer.from(token.slice(lastDot + 1), 'base64url');
    const signingInput = Buffer.from(token.slice(0, lastDot), 'latin1');
    if (signature.length !== SIGNATURE_BYTES || !verify('sha256', signingInput, { key, ...SIGN_OPTIONS }, signature)) {
      return fail('bad_signature');
    }

    const claims: JwtClaims = decodeJsonObject(token.slice(firstDot + 1, lastDot));
    this.checkTimes(claims, options.now);
    if (claims.iss !== options.issuer) return fail('wrong_issuer');
    const accepted = audiences(options.audience);
    if (!audiences(claims.aud).some((aud) => typeof aud === 'string' && accepted.includes(aud))) {
      return fail('wrong_audience');
    }
    return claims;
  }

  private checkTimes(claims: JwtClaims, now: number): void {
    const exp = numericDate(claims, 'exp');
    const nbf = numericDate(claims, 'nbf');
    const iat = numericDate(claims, 'iat');
    if (exp === undefined) fail('missing_claim');
    else if (now - this.tolerance >= exp) fail('expired');
    if ((nbf !== undefined && now + this.tolerance < nbf) || (iat !== undefined && now + this.tolerance < iat)) {
      fail('not_yet_valid');
    }
  }
}
