import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import * as path from 'node:path';
import { RosterError } from '@roster/errors';
import { InvalidTokenError, InvalidTokenReason, JwtClaims, JwtVerifier, signJwt } from './jwt';
import { jwkThumbprint, PublicSigningJwk } from './signing-keys';

const ISSUER = 'http://localhost:3000/tenants/default/';
const AUDIENCE = 'http://localhost:3000/tenants/default/api/v2/';
const NOW = 1_750_000_000;

interface TestKey {
  kid: string;
  privateKey: KeyObject;
  jwk: PublicSigningJwk;
}

function newKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const kid = jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });
  return { kid, privateKey, jwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' } };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs an arbitrary header, to build tokens signJwt would never produce. */
function craft(header: Record<string, unknown>, claims: unknown, key: KeyObject): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const claimsAt = (now: number, extra: JwtClaims = {}): JwtClaims => ({
  iss: ISSUER,
  sub: 'client123@clients',
  aud: AUDIENCE,
  iat: now,
  exp: now + 3600,
  scope: 'read:clients',
  ...extra,
});

const reasonOf = (fn: () => unknown): InvalidTokenReason | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidTokenError) return e.reason;
    throw e;
  }
  return undefined;
};

describe('signJwt / JwtVerifier', () => {
  const key = newKey();
  const verifier = new JwtVerifier();
  verifier.addKey(key.jwk);
  const check = (token: unknown, now = NOW) => verifier.verify(token, { issuer: ISSUER, audience: AUDIENCE, now });

  it('round-trips claims with an ES256 header carrying the kid', () => {
    const claims = claimsAt(NOW);
    const token = signJwt(claims, key);
    expect(check(token)).toEqual(claims);
    const [header, , signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    const atJwt = signJwt(claims, { ...key, typ: 'at+jwt' }).split('.')[0];
    expect(JSON.parse(Buffer.from(atJwt, 'base64url').toString()).typ).toBe('at+jwt');
  });

  it('refuses to sign with a key that is not P-256 or has no kid', () => {
    const ed = generateKeyPairSync('ed25519').privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    for (const privateKey of [ed, p384]) {
      expect(() => signJwt(claimsAt(NOW), { kid: 'k', privateKey })).toThrow(RosterError);
    }
    expect(() => signJwt(claimsAt(NOW), { ...key, kid: '' })).toThrow(RosterError);
  });

  it('reports failures as 401 invalid_token without echoing the token', () => {
    const token = signJwt(claimsAt(NOW, { iss: 'https://evil.example/' }), key);
    try {
      check(token);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(RosterError);
      const err = e as RosterError;
      expect([err.kind, err.code, err.details]).toEqual(['unauthorized', 'invalid_token', { reason: 'wrong_issuer' }]);
      expect(err.message).not.toContain(token.split('.')[2]);
    }
  });

  describe('format', () => {
    const good = signJwt(claimsAt(NOW), key);
    const [h, p, s] = good.split('.');
    it.each([
      ['a non-string', 42],
      ['two segments', `${h}.${p}`],
      ['four segments', `${good}.${s}`],
      ['an empty segment', `${h}..${s}`],
      ['standard base64 characters', `${h}.${p}+/.${s}`],
      ['a header that is not JSON', `${Buffer.from('{nope').toString('base64url')}.${p}.${s}`],
      ['a header that is a JSON array', `${b64(['ES256'])}.${p}.${s}`],
      ['an oversized token', `${h}.${'A'.repeat(9000)}.${s}`],
    ])('rejects %s as malformed', (_label, token) => {
      expect(reasonOf(() => check(token))).toBe('malformed');
    });

    it('rejects a signed payload that is not a JSON object', () => {
      expect(reasonOf(() => check(craft({ alg: 'ES256', kid: key.kid }, 'just a string', key.privateKey)))).toBe(
        'malformed',
      );
    });

    it('rejects a crit header it does not understand', () => {
      const token = craft({ alg: 'ES256', kid: key.kid, crit: ['b64'], b64: false }, claimsAt(NOW), key.privateKey);
      expect(reasonOf(() => check(token))).toBe('malformed');
    });
  });

  describe('algorithm and key', () => {
    it.each(['none', 'HS256', 'ES384', 'RS256', undefined])('rejects alg %s', (alg) => {
      const token = craft({ alg, kid: key.kid }, claimsAt(NOW), key.privateKey);
      expect(reasonOf(() => check(token))).toBe('unsupported_alg');
    });

    it('rejects an HS256 token keyed with the public key (algorithm confusion)', () => {
      const input = `${b64({ alg: 'HS256', kid: key.kid })}.${b64(claimsAt(NOW))}`;
      const mac = createHmac('sha256', JSON.stringify(key.jwk)).update(input).digest('base64url');
      expect(reasonOf(() => check(`${input}.${mac}`))).toBe('unsupported_alg');
    });

    it('rejects an unknown or missing kid, and a removed key', () => {
      const other = newKey();
      expect(reasonOf(() => check(signJwt(claimsAt(NOW), other)))).toBe('unknown_kid');
      expect(reasonOf(() => check(craft({ alg: 'ES256' }, claimsAt(NOW), key.privateKey)))).toBe('unknown_kid');
      const local = new JwtVerifier();
      local.addKey(other.jwk);
      const token = signJwt(claimsAt(NOW), other);
      expect(local.verify(token, { issuer: ISSUER, audience: AUDIENCE, now: NOW }).sub).toBe('client123@clients');
      expect(local.removeKey(other.kid)).toBe(true);
      expect(reasonOf(() => local.verify(token, { issuer: ISSUER, audience: AUDIENCE, now: NOW }))).toBe('unknown_kid');
    });

    it('rejects a tampered payload, a foreign signature under our kid, and a DER-encoded signature', () => {
      const [h, p, s] = signJwt(claimsAt(NOW), key).split('.');
      const tampered = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), scope: 'delete:clients' });
      expect(reasonOf(() => check(`${h}.${tampered}.${s}`))).toBe('bad_signature');
      const forged = signJwt(claimsAt(NOW), { ...newKey(), kid: key.kid });
      expect(reasonOf(() => check(forged))).toBe('bad_signature');
      const der = sign('sha256', Buffer.from(`${h}.${p}`), key.privateKey).toString('base64url');
      expect(reasonOf(() => check(`${h}.${p}.${der}`))).toBe('bad_signature');
    });
  });

  describe('claims', () => {
    it('applies the 30 s clock tolerance to exp', () => {
      const token = signJwt(claimsAt(NOW - 3600), key); // exp = NOW
      expect(check(token, NOW + 29).exp).toBe(NOW);
      expect(reasonOf(() => check(token, NOW + 30))).toBe('expired');
    });

    it('requires exp and numeric time claims', () => {
      const { exp: _omitted, ...noExp } = claimsAt(NOW);
      expect(reasonOf(() => check(signJwt(noExp, key)))).toBe('missing_claim');
      expect(reasonOf(() => check(signJwt(claimsAt(NOW, { exp: `${NOW + 60}` as unknown as number }), key)))).toBe(
        'malformed',
      );
      expect(reasonOf(() => check(signJwt(claimsAt(NOW, { nbf: null as unknown as number }), key)))).toBe('malformed');
    });

    it('rejects tokens not valid yet by nbf or iat, beyond the tolerance', () => {
      expect(check(signJwt(claimsAt(NOW, { nbf: NOW + 30 }), key)).nbf).toBe(NOW + 30);
      expect(reasonOf(() => check(signJwt(claimsAt(NOW, { nbf: NOW + 31 }), key)))).toBe('not_yet_valid');
      expect(reasonOf(() => check(signJwt(claimsAt(NOW + 31), key)))).toBe('not_yet_valid');
    });

    it('checks the issuer exactly', () => {
      expect(reasonOf(() => check(signJwt(claimsAt(NOW, { iss: ISSUER.slice(0, -1) }), key)))).toBe('wrong_issuer');
      expect(reasonOf(() => check(signJwt(claimsAt(NOW, { iss: undefined }), key)))).toBe('wrong_issuer');
    });

    it('accepts aud as a string or an array containing the audience, and nothing else', () => {
      expect(check(signJwt(claimsAt(NOW, { aud: ['https://other/', AUDIENCE] }), key)).aud).toContain(AUDIENCE);
      for (const aud of ['https://other/', ['https://other/'], [], undefined, 7, [AUDIENCE.toUpperCase()]]) {
        expect(reasonOf(() => check(signJwt(claimsAt(NOW, { aud: aud as string }), key)))).toBe('wrong_audience');
      }
      const token = signJwt(claimsAt(NOW, { aud: 'https://api.example/' }), key);
      const claims = verifier.verify(token, { issuer: ISSUER, audience: [AUDIENCE, 'https://api.example/'], now: NOW });
      expect(claims.aud).toBe('https://api.example/');
    });
  });

  describe('key ring management', () => {
    it.each([
      ['a private JWK', () => ({ ...newKey().privateKey.export({ format: 'jwk' }), kid: 'k' })],
      [
        'a P-384 key',
        () => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }), kid: 'k' }),
      ],
      ['a key without kid', () => ({ ...newKey().jwk, kid: undefined })],
      ['an RS256 alg', () => ({ ...newKey().jwk, alg: 'RS256' })],
      ['an encryption key', () => ({ ...newKey().jwk, use: 'enc' })],
      ['a point off the curve', () => ({ ...newKey().jwk, y: newKey().jwk.y })],
    ])('addKey refuses %s', (_label, jwk) => {
      expect(() => new JwtVerifier().addKey(jwk() as PublicSigningJwk)).toThrow(RosterError);
    });

    it('replaceKeys swaps the ring, and keeps the old ring when a new key is invalid', () => {
      const [a, b] = [newKey(), newKey()];
      const local = new JwtVerifier();
      local.replaceKeys([a.jwk]);
      expect(() => local.replaceKeys([b.jwk, { ...b.jwk, kid: 'x', crv: 'P-521' } as never])).toThrow(RosterError);
      expect([local.hasKey(a.kid), local.hasKey(b.kid)]).toEqual([true, false]);
      local.replaceKeys([b.jwk]);
      expect([local.hasKey(a.kid), local.hasKey(b.kid)]).toEqual([false, true]);
    });
  });
});

/**
 * Interop with `jose`. jose 6 ships only ES modules, which this CommonJS jest setup cannot load, so jose runs in a
 * plain Node child process (one run for the whole suite): it verifies our tokens and signs tokens for us to verify.
 */
describe('interop with jose', () => {
  const JOSE_SCRIPT = `
    import * as jose from 'jose';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const { jwks, tokens, issuer, audience, now } = JSON.parse(text);
    const options = { issuer, audience, algorithms: ['ES256'], currentDate: new Date(now * 1000) };
    const keySet = jose.createLocalJWKSet(jwks);
    const verified = {};
    for (const [name, token] of Object.entries(tokens)) {
      try {
        const { payload, protectedHeader } = await jose.jwtVerify(token, keySet, options);
        verified[name] = { ok: true, payload, protectedHeader };
      } catch (e) {
        verified[name] = { ok: false, code: e.code };
      }
    }
    const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await jose.exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
    jwk.kid = await jose.calculateJwkThumbprint(jwk);
    const mint = (claims) => new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwk.kid })
      .setIssuer(issuer).setIssuedAt(now).setExpirationTime(now + 300).sign(privateKey);
    const signed = {
      good: await mint({ aud: [audience, 'https://other/'], sub: 'svc', scope: 'read:logs' }),
      wrongAudience: await mint({ aud: 'https://other/' }),
    };
    const thumbprints = await Promise.all(jwks.keys.map((k) => jose.calculateJwkThumbprint(k)));
    process.stdout.write(JSON.stringify({ verified, jwk, signed, thumbprints }));
  `;

  interface JoseRun {
    verified: Record<string, { ok: boolean; code?: string; payload?: JwtClaims; protectedHeader?: object }>;
    jwk: PublicSigningJwk;
    signed: { good: string; wrongAudience: string };
    thumbprints: string[];
  }

  const key = newKey();
  const claims = claimsAt(NOW, { jti: 'abc' });
  const good = signJwt(claims, key);
  const [h, p, s] = good.split('.');
  const sigBytes = Buffer.from(s, 'base64url');
  sigBytes[10] ^= 0x01;
  let run: JoseRun;

  beforeAll(() => {
    const input = {
      jwks: { keys: [key.jwk] },
      tokens: {
        good,
        tamperedSignature: `${h}.${p}.${sigBytes.toString('base64url')}`,
        tamperedPayload: `${h}.${b64({ ...claims, sub: 'admin' })}.${s}`,
        expired: signJwt(claimsAt(NOW - 7200), key),
        wrongIssuer: signJwt(claimsAt(NOW, { iss: 'https://evil.example/' }), key),
      },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: NOW,
    };
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', JOSE_SCRIPT], {
      cwd: path.resolve(__dirname, '../../..'),
      input: JSON.stringify(input),
      encoding: 'utf8',
      timeout: 20_000,
    });
    run = JSON.parse(out) as JoseRun;
  }, 30_000);

  it('jose accepts our tokens with the same claims and header', () => {
    expect(run.verified.good).toEqual({
      ok: true,
      payload: claims,
      protectedHeader: { alg: 'ES256', typ: 'JWT', kid: key.kid },
    });
  });

  it('jose rejects our tampered, expired and wrongly issued tokens', () => {
    expect(run.verified.tamperedSignature).toEqual({ ok: false, code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(run.verified.tamperedPayload).toEqual({ ok: false, code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(run.verified.expired).toEqual({ ok: false, code: 'ERR_JWT_EXPIRED' });
    expect(run.verified.wrongIssuer).toEqual({ ok: false, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('our kid is the RFC 7638 thumbprint jose computes', () => {
    expect(run.thumbprints).toEqual([key.kid]);
  });

  it('we accept jose-signed ES256 tokens and reject them when tampered or for another audience', () => {
    const verifier = new JwtVerifier();
    verifier.addKey(run.jwk);
    const options = { issuer: ISSUER, audience: AUDIENCE, now: NOW + 10 };
    expect(verifier.verify(run.signed.good, options)).toMatchObject({ sub: 'svc', scope: 'read:logs', iat: NOW });
    expect(reasonOf(() => verifier.verify(run.signed.wrongAudience, options))).toBe('wrong_audience');
    const [jh, , js] = run.signed.good.split('.');
    const forged = `${jh}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: NOW + 300 })}.${js}`;
    expect(reasonOf(() => verifier.verify(forged, options))).toBe('bad_signature');
  });
});
