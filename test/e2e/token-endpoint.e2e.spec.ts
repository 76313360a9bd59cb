import {
  RawResponse,
  TokenAuth,
  adminSession,
  createClient,
  expectOAuthError,
  freshSourceAddress,
  grantApi,
  jwtHeader,
  jwtPayload,
  rawRequest,
  tokenRequest,
  useAllInOne,
} from './support-http';
import { fetchJwks, verifyWithJwks } from './support-tokens';

const INVENTORY = 'https://inventory.example.com/';
const CC = { grant_type: 'client_credentials' };

/**
 * `B/oauth/token`, RFC 6749 §4.4 client credentials with §2.3.1 client authentication and §5 responses. Requests that
 * fail client authentication on purpose come from their own loopback address (the endpoint slows and then refuses
 * an address after repeated failures), so one test's failures never slow another.
 */
describe('token endpoint', () => {
  const { roster, admin } = useAllInOne();
  let endpoint: string;
  /** Source address of the current test. */
  let from: string;
  let worker: { client_id: string; client_secret: string };

  const token = (params: Record<string, string>, auth?: TokenAuth): Promise<RawResponse> =>
    tokenRequest(endpoint, params, auth, from);
  const post = (app: { client_id: string; client_secret?: string }): TokenAuth => ({
    method: 'post',
    clientId: app.client_id,
    clientSecret: app.client_secret,
  });
  const basic = (app: { client_id: string; client_secret?: string }): TokenAuth => ({
    method: 'basic',
    clientId: app.client_id,
    clientSecret: app.client_secret ?? '',
  });
  const expectInvalidClient = (response: RawResponse, viaBasic: boolean) => {
    expectOAuthError(response, 401, 'invalid_client');
    if (viaBasic) expect(response.headers['www-authenticate']).toMatch(/^Basic /);
  };
  const expectIssued = (response: RawResponse, scope?: string) => {
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: scope ?? expect.any(String),
    });
    return (response.json as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    endpoint = roster.bootstrap.token_endpoint;
    worker = (await createClient(admin.api, {
      name: 'Inventory worker',
      app_type: 'non_interactive',
    })) as typeof worker;
    await grantApi(
      admin.api,
      worker.client_id,
      INVENTORY,
      ['read:items', 'write:items'],
      ['read:items', 'write:items', 'delete:items'],
    );
  });
  beforeEach(() => {
    from = freshSourceAddress();
  });

  describe('client authentication method', () => {
    it('honours client_secret_post, the default, and refuses Basic for that application', async () => {
      expectIssued(await token({ ...CC, audience: INVENTORY }, post(worker)), 'read:items write:items');
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, basic(worker)), true);
    });

    it('honours client_secret_basic once the application is switched to it, and refuses the body method', async () => {
      const app = await createClient(admin.api, { name: 'Basic worker', app_type: 'non_interactive' });
      await grantApi(admin.api, app.client_id, INVENTORY, ['read:items']);
      const patched = await admin.api.patch(`clients/${app.client_id}`, {
        token_endpoint_auth_method: 'client_secret_basic',
      });
      expect(patched.status).toBe(200);
      expect(patched.body.token_endpoint_auth_method).toBe('client_secret_basic');
      expect(patched.body.client_secret).toBeUndefined();

      expectIssued(await token({ ...CC, audience: INVENTORY }, basic(app)), 'read:items');
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post(app)), false);

      // Back to client_secret_post: the same secret works in the body again, no longer in the header.
      await admin.api.patch(`clients/${app.client_id}`, { token_endpoint_auth_method: 'client_secret_post' });
      expectIssued(await token({ ...CC, audience: INVENTORY }, post(app)), 'read:items');
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, basic(app)), true);
    });

    it('refuses two authentication methods in one request with 400 invalid_request', async () => {
      const both: TokenAuth = { method: 'both', clientId: worker.client_id, clientSecret: worker.client_secret };
      expectOAuthError(await token({ ...CC, audience: INVENTORY }, both), 400, 'invalid_request');
    });

    it('refuses a client_id in the body that differs from the Basic one', async () => {
      const response = await rawRequest(endpoint, {
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${worker.client_id}:${worker.client_secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ ...CC, audience: INVENTORY, client_id: roster.bootstrap.client_id }).toString(),
      });
      expectOAuthError(response, 400, 'invalid_request');
    });

    it('does not take a client secret from the query string', async () => {
      const response = await rawRequest(`${endpoint}?client_secret=${encodeURIComponent(worker.client_secret)}`, {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...CC, audience: INVENTORY, client_id: worker.client_id }).toString(),
      });
      expectInvalidClient(response, false);
    });
  });

  describe('request validation', () => {
    it('refuses a request without grant_type with 400 invalid_request', async () => {
      expectOAuthError(await token({ audience: INVENTORY }, post(worker)), 400, 'invalid_request');
    });

    it.each(['password', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'])(
      'refuses grant_type=%s with 400 unsupported_grant_type',
      async (grantType) => {
        expectOAuthError(
          await token({ grant_type: grantType, audience: INVENTORY, username: 'u', password: 'p' }, post(worker)),
          400,
          'unsupported_grant_type',
        );
      },
    );

    it('refuses a repeated grant_type with 400 invalid_request', async () => {
      const response = await rawRequest(endpoint, {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&grant_type=password&client_id=${worker.client_id}&client_secret=${encodeURIComponent(worker.client_secret)}`,
      });
      expectOAuthError(response, 400, 'invalid_request');
    });
  });

  describe('client authentication failures', () => {
    it('answers 401 invalid_client for an unknown client, by either method', async () => {
      const ghost = { client_id: 'no-such-client-0000000000', client_secret: 'x'.repeat(64) };
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post(ghost)), false);
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, basic(ghost)), true);
    });

    it('answers 401 invalid_client for a wrong secret, by either method, with the same body as an unknown client', async () => {
      const wrong = { client_id: worker.client_id, client_secret: `${worker.client_secret.slice(0, -1)}x` };
      const viaPost = await token({ ...CC, audience: INVENTORY }, post(wrong));
      expectInvalidClient(viaPost, false);
      const unknown = await token(
        { ...CC, audience: INVENTORY },
        post({ client_id: 'nobody-at-all', client_secret: 'x' }),
      );
      expect(viaPost.json).toEqual(unknown.json);
      const app = await createClient(admin.api, {
        name: 'Basic only',
        app_type: 'non_interactive',
        token_endpoint_auth_method: 'client_secret_basic',
      });
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, basic({ ...app, client_secret: 'wrong' })), true);
      expectInvalidClient(
        await token({ ...CC, audience: INVENTORY }, { method: 'post', clientId: worker.client_id }),
        false,
      );
    });

    it('never authenticates a public (SPA) application', async () => {
      const spa = await createClient(admin.api, {
        name: 'Browser app',
        app_type: 'spa',
        callbacks: ['https://spa.example.com/callback'],
      });
      expect(spa.token_endpoint_auth_method).toBe('none');
      expect(spa.client_secret).toBeUndefined();
      expectInvalidClient(
        await token({ ...CC, audience: INVENTORY }, { method: 'post', clientId: spa.client_id }),
        false,
      );
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post({ ...spa, client_secret: '' })), false);
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post({ ...spa, client_secret: 'guess' })), false);
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, basic({ ...spa, client_secret: '' })), true);
    });
  });

  describe('authorization', () => {
    it('answers 400 unauthorized_client for an application without the client_credentials grant type', async () => {
      const web = await createClient(admin.api, {
        name: 'Web login only',
        app_type: 'regular_web',
        grant_types: ['authorization_code'],
        callbacks: ['https://web.example.com/callback'],
      });
      expect(web.grant_types).toEqual(['authorization_code']);
      expect(web.client_secret).toEqual(expect.any(String));
      await grantApi(admin.api, web.client_id, INVENTORY, ['read:items']);
      expectOAuthError(await token({ ...CC, audience: INVENTORY }, post(web)), 400, 'unauthorized_client');
    });

    it('answers 403 access_denied for an unknown audience, an API without a grant, and no audience at all', async () => {
      expectOAuthError(
        await token({ ...CC, audience: 'https://unknown.example.com/' }, post(worker)),
        403,
        'access_denied',
      );
      // The Management API exists, but the worker has no grant for it.
      expectOAuthError(await token({ ...CC, audience: roster.bootstrap.audience }, post(worker)), 403, 'access_denied');
      expectOAuthError(await token({ ...CC }, post(worker)), 403, 'access_denied');
    });

    it('honours a requested subset of the granted scopes and refuses a request with no granted scope', async () => {
      expectIssued(await token({ ...CC, audience: INVENTORY, scope: 'read:items' }, post(worker)), 'read:items');
      // delete:items is defined by the API but not granted: left out, not an error.
      const partial = expectIssued(
        await token({ ...CC, audience: INVENTORY, scope: 'read:items delete:items' }, post(worker)),
        'read:items',
      );
      expect(jwtPayload(partial).scope).toBe('read:items');
      expectOAuthError(
        await token({ ...CC, audience: INVENTORY, scope: 'delete:items' }, post(worker)),
        400,
        'invalid_scope',
      );
      expectOAuthError(
        await token({ ...CC, audience: INVENTORY, scope: 'admin:everything' }, post(worker)),
        400,
        'invalid_scope',
      );
    });
  });

  describe('issued tokens', () => {
    it('are ES256 JWTs that verify against the tenant JWKS with the expected claims', async () => {
      const response = await token({ ...CC, audience: INVENTORY }, post(worker));
      const issued = expectIssued(response, 'read:items write:items');
      const jwks = await fetchJwks(roster);
      const kid = verifyWithJwks(issued, jwks);
      expect(jwtHeader(issued)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
      const claims = jwtPayload(issued);
      expect(claims).toMatchObject({
        iss: `${roster.tenantBase()}/`,
        sub: `${worker.client_id}@clients`,
        aud: INVENTORY,
        azp: worker.client_id,
        scope: 'read:items write:items',
        gty: 'client-credentials',
        jti: expect.any(String),
      });
      // The API's default lifetime (24 h), announced as expires_in.
      expect(Number(claims.exp) - Number(claims.iat)).toBe(86400);
      expect((response.json as { expires_in: number }).expires_in).toBe(86400);
      expect(Math.abs(Number(claims.iat) - Date.now() / 1000)).toBeLessThan(60);

      // One changed byte in the payload and the signature no longer verifies.
      const [h, p, s] = issued.split('.');
      const tampered = Buffer.from(p, 'base64url').toString().replace('read:items', 'read:itemz');
      expect(() => verifyWithJwks(`${h}.${Buffer.from(tampered).toString('base64url')}.${s}`, jwks)).toThrow(
        /does not verify/,
      );
    });
  });

  describe('secret lifecycle', () => {
    const newWorker = async (name: string) => {
      const app = (await createClient(admin.api, { name, app_type: 'non_interactive' })) as typeof worker;
      await grantApi(admin.api, app.client_id, INVENTORY, ['read:items']);
      expectIssued(await token({ ...CC, audience: INVENTORY }, post(app)), 'read:items');
      return app;
    };

    it('revokes the old secret at once on rotation', async () => {
      const app = await newWorker('Rotated at once');
      const rotated = await admin.api.post(`clients/${app.client_id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      const fresh = rotated.body.client_secret as string;
      expect(fresh).toEqual(expect.any(String));
      expect(fresh).not.toBe(app.client_secret);
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post(app)), false);
      expectIssued(await token({ ...CC, audience: INVENTORY }, post({ ...app, client_secret: fresh })), 'read:items');
    });

    it('keeps the old secret working during previous_secret_grace_period', async () => {
      const app = await newWorker('Rotated with grace');
      const rotated = await admin.api.post(`clients/${app.client_id}/rotate-secret?previous_secret_grace_period=3600`);
      expect(rotated.status).toBe(200);
      const fresh = rotated.body.client_secret as string;
      expectIssued(await token({ ...CC, audience: INVENTORY }, post(app)), 'read:items');
      expectIssued(await token({ ...CC, audience: INVENTORY }, post({ ...app, client_secret: fresh })), 'read:items');

      // A second rotation without grace ends both earlier secrets.
      const again = await admin.api.post(`clients/${app.client_id}/rotate-secret`);
      expect(again.status).toBe(200);
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post(app)), false);
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post({ ...app, client_secret: fresh })), false);
      expectIssued(
        await token({ ...CC, audience: INVENTORY }, post({ ...app, client_secret: again.body.client_secret })),
        'read:items',
      );
    });

    it('refuses the secret of a deleted application', async () => {
      const app = await newWorker('Deleted soon');
      expect((await admin.api.delete(`clients/${app.client_id}`)).status).toBe(204);
      expectInvalidClient(await token({ ...CC, audience: INVENTORY }, post(app)), false);
    });
  });

  it('slows, then refuses repeated wrong secrets with 429 and Retry-After', async () => {
    const victim = (await createClient(admin.api, {
      name: 'Brute-forced',
      app_type: 'non_interactive',
    })) as typeof worker;
    await grantApi(admin.api, victim.client_id, INVENTORY, ['read:items']);
    const attempt = async (i: number) => {
      const started = Date.now();
      const response = await token({ ...CC, audience: INVENTORY }, post({ ...victim, client_secret: `guess-${i}` }));
      return { response, ms: Date.now() - started };
    };

    // Sequentially first: the first failures are answered at once, later ones ever more slowly.
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push(await attempt(i));
    for (const { response } of sequential) expectInvalidClient(response, false);
    const early = Math.max(...sequential.slice(0, 4).map((a) => a.ms));
    expect(sequential[9].ms).toBeGreaterThan(early + 500);

    // Then the remaining 15 at once (each would wait up to 2 s if sent one by one), then one more.
    const burst = await Promise.all(Array.from({ length: 15 }, (_, i) => attempt(10 + i)));
    const statuses = [...sequential, ...burst].map((a) => a.response.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);

    const refused = (await attempt(99)).response;
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ error: expect.any(String), error_description: expect.stringMatching(/\S/) });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    // Refused without looking at the secret: even the right one waits out the lockout from that address.
    expect((await token({ ...CC, audience: INVENTORY }, post(victim))).status).toBe(429);

    // But the attacker cannot lock the client out: from another address the right secret still gets a token
    // (slowed down while the client is under attack, never refused).
    const elsewhere = await tokenRequest(endpoint, { ...CC, audience: INVENTORY }, post(victim), freshSourceAddress());
    expect(elsewhere.status).toBe(200);
  });

  it('rotates the signing key: both keys published, new tokens use the new kid, older tokens still accepted', async () => {
    const jwksBefore = await fetchJwks(roster);
    expect(jwksBefore.keys).toHaveLength(1);
    const oldKid = jwksBefore.keys[0].kid as string;
    // Obtained before the rotation and first presented after it, so no cache can have seen it.
    const earlier = await adminSession(roster);
    expect(jwtHeader(earlier.token).kid).toBe(oldKid);

    const rotated = await admin.api.post('keys/signing/rotate');
    expect(rotated.status).toBe(201);
    const newKid = rotated.body.kid as string;
    expect(newKid).not.toBe(oldKid);

    const jwksAfter = await fetchJwks(roster);
    expect(jwksAfter.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    for (const key of jwksAfter.keys) expect(key).not.toHaveProperty('d');

    const later = expectIssued(await token({ ...CC, audience: INVENTORY }, post(worker)));
    expect(jwtHeader(later).kid).toBe(newKid);
    expect(verifyWithJwks(later, jwksAfter)).toBe(newKid);
    expect(verifyWithJwks(earlier.token, jwksAfter)).toBe(oldKid);

    expect((await earlier.api.get('clients')).status).toBe(200);
    const renewed = await adminSession(roster);
    expect(jwtHeader(renewed.token).kid).toBe(newKid);
    expect((await renewed.api.get('clients')).status).toBe(200);

    const keys = await admin.api.get('keys/signing');
    expect(keys.status).toBe(200);
    expect(keys.body.find((k: { kid: string }) => k.kid === newKid)).toMatchObject({ current: true });
    expect(keys.body.find((k: { kid: string }) => k.kid === oldKid)).toMatchObject({ current: false, previous: true });
  });
});
