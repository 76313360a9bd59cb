import { createHmac, generateKeyPairSync } from 'crypto';
import { signJwt } from '@roster/security';
import { fetchToken, managementClient } from '../support/roster-instance';
import type { ManagementClient } from '../support/roster-instance';
import {
  createClient,
  expectManagementError,
  grantApi,
  jwtHeader,
  managementSession,
  rawRequest,
  expectNoChangeSince,
  useAllInOne,
} from './support-http';
import { fetchJwks, managementClaims, signWithTenantKey } from './support-tokens';

/**
 * Every Management API route needs a bearer token of this tenant, for this API, with one of the route's scopes
 * (Auth0: 401 for a missing or bad token, 403 insufficient_scope for a good token without the scope).
 */
describe('Management API scope enforcement', () => {
  const { roster, admin } = useAllInOne();
  /** An application granted only read:clients on the Management API, and its token. */
  let reader: { client_id: string; client_secret: string };
  let readerToken: string;
  let readerApi: ManagementClient;
  let connectionId: string;
  let grantId: string;
  let managementApiId: string;

  beforeAll(async () => {
    reader = (await createClient(admin.api, {
      name: 'Read-only auditor',
      app_type: 'non_interactive',
    })) as typeof reader;
    const grant = await admin.api.post('client-grants', {
      client_id: reader.client_id,
      audience: roster.bootstrap.audience,
      scope: ['read:clients'],
    });
    expect(grant.status).toBe(201);
    grantId = grant.body.id;
    ({ token: readerToken, api: readerApi } = await managementSession(roster, reader));
    connectionId = (await admin.api.get('connections')).body[0].id;
    managementApiId = (await admin.api.get('resource-servers')).body.find(
      (r: { is_system?: boolean }) => r.is_system,
    ).id;
  });

  const clientsUrl = () => `${roster.tenantBase()}/api/v2/clients`;

  describe('401 without a valid token', () => {
    it('refuses a request without an Authorization header', async () => {
      expectManagementError(await rawRequest(clientsUrl()), 401, 'invalid_token');
      expectManagementError(
        await rawRequest(clientsUrl(), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'anonymous' }),
        }),
        401,
        'invalid_token',
      );
    });

    it.each([
      ['an empty bearer', 'Bearer '],
      ['a garbage bearer', 'Bearer garbage'],
      ['three garbage segments', 'Bearer aaa.bbb.ccc'],
      ['a Basic header', `Basic ${Buffer.from('user:pass').toString('base64')}`],
      ['a token without scheme', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
      ['a bearer with spaces inside', 'Bearer abc def'],
      ['an 8 KiB+ token', `Bearer ${'a'.repeat(9000)}.${'b'.repeat(10)}.${'c'.repeat(10)}`],
    ])('refuses %s', async (_label, authorization) => {
      expectManagementError(await rawRequest(clientsUrl(), { headers: { authorization } }), 401, 'invalid_token');
    });

    it('accepts a token made with the tenant key and the right claims (control for the cases below)', async () => {
      const token = await signWithTenantKey(roster, 'default', managementClaims(roster, 'default', reader.client_id));
      const response = await managementClient(roster.tenantBase(), token).get('clients');
      expect(response.status).toBe(200);
    });

    const now = () => Math.floor(Date.now() / 1000);
    it.each<[string, () => Record<string, unknown>]>([
      ['expired an hour ago', () => ({ iat: now() - 7200, exp: now() - 3600 })],
      ['expired beyond the clock tolerance', () => ({ iat: now() - 600, exp: now() - 120 })],
      ['not valid before next hour', () => ({ nbf: now() + 3600 })],
      ['issued by another tenant', () => ({ iss: `${roster.tenantBase('acme')}/` })],
      ['for another tenant’s Management API', () => ({ aud: `${roster.tenantBase('acme')}/api/v2/` })],
      ['without an audience', () => ({ aud: undefined })],
      ['without an expiry', () => ({ exp: undefined })],
      ['with a non-numeric expiry', () => ({ exp: 'tomorrow' })],
    ])('refuses a genuinely signed token %s', async (_label, overrides) => {
      const claims = managementClaims(roster, 'default', reader.client_id, {
        scope: 'read:clients create:clients',
        ...overrides(),
      });
      for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
      const token = await signWithTenantKey(roster, 'default', claims);
      expectManagementError(await managementClient(roster.tenantBase(), token).get('clients'), 401, 'invalid_token');
    });

    it('refuses a tampered token (scope widened after signing)', async () => {
      const [header, payload, signature] = admin.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const reissued = Buffer.from(JSON.stringify({ ...claims, scope: `${claims.scope} read:everything` })).toString(
        'base64url',
      );
      const tampered = `${header}.${reissued}.${signature}`;
      expectManagementError(await managementClient(roster.tenantBase(), tampered).get('clients'), 401, 'invalid_token');

      // The admin's header and payload with the reader's (valid, same-key) signature.
      const spliced = `${header}.${payload}.${readerToken.split('.')[2]}`;
      expectManagementError(await managementClient(roster.tenantBase(), spliced).get('clients'), 401, 'invalid_token');
    });

    it('refuses a token signed by a key the tenant does not publish, even with the published kid', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const kid = String(jwtHeader(admin.token).kid);
      const forged = signJwt(
        managementClaims(roster, 'default', roster.bootstrap.client_id, { scope: 'create:clients' }),
        {
          kid,
          privateKey,
          typ: 'at+jwt',
        },
      );
      expectManagementError(
        await managementClient(roster.tenantBase(), forged).post('clients', { name: 'forged' }),
        401,
        'invalid_token',
      );
    });

    it("refuses alg none and HS256 tokens (keyed with the tenant's public key)", async () => {
      const claims = Buffer.from(
        JSON.stringify(managementClaims(roster, 'default', roster.bootstrap.client_id, { scope: 'read:clients' })),
      ).toString('base64url');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${claims}.`;
      expectManagementError(await managementClient(roster.tenantBase(), none).get('clients'), 401, 'invalid_token');

      const jwks = await fetchJwks(roster);
      const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: jwks.keys[0].kid })).toString(
        'base64url',
      );
      const mac = createHmac('sha256', JSON.stringify(jwks.keys[0]))
        .update(`${hsHeader}.${claims}`)
        .digest('base64url');
      expectManagementError(
        await managementClient(roster.tenantBase(), `${hsHeader}.${claims}.${mac}`).get('clients'),
        401,
        'invalid_token',
      );
    });

    it('refuses a token of this tenant issued for another API', async () => {
      await grantApi(admin.api, reader.client_id, 'https://orders.example.com/', ['read:orders']);
      const ordersToken = await fetchToken(
        roster.bootstrap.token_endpoint,
        reader.client_id,
        reader.client_secret,
        'https://orders.example.com/',
      );
      const api = managementClient(roster.tenantBase(), ordersToken);
      expectManagementError(await api.get('clients'), 401, 'invalid_token');
      expectManagementError(await api.get('resource-servers'), 401, 'invalid_token');
    });
  });

  describe('403 insufficient_scope for a token with read:clients only', () => {
    it('lets it read applications', async () => {
      const list = await readerApi.get('clients');
      expect(list.status).toBe(200);
      expect(list.body.map((c: { client_id: string }) => c.client_id)).toContain(reader.client_id);
      const one = await readerApi.get(`clients/${roster.bootstrap.client_id}`);
      expect(one.status).toBe(200);
      expect(one.body.name).toBe('Bootstrap Admin');
    });

    // Objects, not tuples: jest takes a trailing parameter beyond a tuple's length for a `done` callback.
    const forbidden: Array<{
      method: string;
      label: string;
      route: (ids: Record<string, string>) => string;
      body?: unknown;
    }> = [
      { method: 'POST', label: 'create an application', route: () => 'clients', body: { name: 'Not allowed' } },
      {
        method: 'PATCH',
        label: 'update an application',
        route: (ids) => `clients/${ids.reader}`,
        body: { description: 'nope' },
      },
      {
        method: 'PATCH',
        label: 'set a client secret',
        route: (ids) => `clients/${ids.reader}`,
        body: { client_secret: 'x'.repeat(48) },
      },
      { method: 'DELETE', label: 'delete an application', route: (ids) => `clients/${ids.reader}` },
      { method: 'POST', label: 'rotate a secret', route: (ids) => `clients/${ids.reader}/rotate-secret`, body: {} },
      {
        method: 'GET',
        label: "list an application's connections",
        route: (ids) => `clients/${ids.reader}/connections`,
      },
      { method: 'GET', label: 'list connections', route: () => 'connections' },
      { method: 'GET', label: 'read a connection', route: (ids) => `connections/${ids.connection}` },
      {
        method: 'POST',
        label: 'create a connection',
        route: () => 'connections',
        body: { name: 'extra-db', strategy: 'auth0' },
      },
      {
        method: 'PATCH',
        label: 'update a connection',
        route: (ids) => `connections/${ids.connection}`,
        body: { display_name: 'Renamed' },
      },
      { method: 'DELETE', label: 'delete a connection', route: (ids) => `connections/${ids.connection}` },
      {
        method: 'PATCH',
        label: "change a connection's clients",
        route: (ids) => `connections/${ids.connection}/clients`,
        body: [],
      },
      { method: 'GET', label: 'list client grants', route: () => 'client-grants' },
      {
        method: 'POST',
        label: 'create a client grant',
        route: () => 'client-grants',
        body: { client_id: 'x', audience: 'y', scope: [] },
      },
      {
        method: 'PATCH',
        label: 'update a client grant',
        route: (ids) => `client-grants/${ids.grant}`,
        body: { scope: ['read:clients', 'delete:clients'] },
      },
      { method: 'DELETE', label: 'delete a client grant', route: (ids) => `client-grants/${ids.grant}` },
      { method: 'GET', label: 'list resource servers', route: () => 'resource-servers' },
      {
        method: 'POST',
        label: 'create a resource server',
        route: () => 'resource-servers',
        body: { identifier: 'https://x.example.com/' },
      },
      {
        method: 'PATCH',
        label: 'update a resource server',
        route: (ids) => `resource-servers/${ids.api}`,
        body: { name: 'Renamed' },
      },
      { method: 'DELETE', label: 'delete a resource server', route: (ids) => `resource-servers/${ids.api}` },
      { method: 'GET', label: 'read tenant settings', route: () => 'tenants/settings' },
      {
        method: 'PATCH',
        label: 'update tenant settings',
        route: () => 'tenants/settings',
        body: { friendly_name: 'Hijacked' },
      },
      { method: 'GET', label: 'read signing keys', route: () => 'keys/signing' },
      { method: 'POST', label: 'rotate the signing key', route: () => 'keys/signing/rotate', body: {} },
      { method: 'GET', label: 'list tenants', route: () => 'tenants' },
      { method: 'POST', label: 'create a tenant', route: () => 'tenants', body: { name: 'sneaky' } },
    ];

    it.each(forbidden)('$method to $label → 403', async ({ method, route, body }) => {
      const ids = { reader: reader.client_id, connection: connectionId, grant: grantId, api: managementApiId };
      const before = await roster.storage.eventStore.headPosition();
      const response = await readerApi.raw(method, route(ids), body);
      expectManagementError(response, 403, 'insufficient_scope');
      expect(response.body.message).toMatch(/^Insufficient scope, expected any of: /);
      await expectNoChangeSince(roster, before);
    });

    it('still shows everything unchanged to the admin afterwards', async () => {
      const app = await admin.api.get(`clients/${reader.client_id}`);
      expect(app.status).toBe(200);
      expect(app.body.description).toBeUndefined();
      const grant = await admin.api.get(`client-grants/${grantId}`);
      expect(grant.body.scope).toEqual(['read:clients']);
      const settings = await admin.api.get('tenants/settings');
      expect(settings.body.friendly_name).not.toBe('Hijacked');
    });
  });

  describe('rate-limit headers', () => {
    const expectRateLimitHeaders = (headers: Headers | Record<string, unknown>) => {
      const get = (name: string) =>
        headers instanceof Headers ? headers.get(name) : (headers as Record<string, string | undefined>)[name];
      const limit = Number(get('x-ratelimit-limit'));
      const remaining = Number(get('x-ratelimit-remaining'));
      const reset = Number(get('x-ratelimit-reset'));
      expect(Number.isInteger(limit) && limit > 0).toBe(true);
      expect(Number.isInteger(remaining) && remaining >= 0 && remaining <= limit).toBe(true);
      const nowSeconds = Math.floor(Date.now() / 1000);
      expect(reset).toBeGreaterThanOrEqual(nowSeconds - 1);
      expect(reset).toBeLessThan(nowSeconds + 3600);
      return { limit, remaining };
    };

    it('announces X-RateLimit-Limit/Remaining/Reset on successes and errors alike', async () => {
      const ok = await admin.api.get('clients');
      expect(ok.status).toBe(200);
      const first = expectRateLimitHeaders(ok.headers);
      const created = await admin.api.post('clients', { name: 'Rate limited app', app_type: 'non_interactive' });
      expect(created.status).toBe(201);
      const second = expectRateLimitHeaders(created.headers);
      expect(second.limit).toBe(first.limit);
      expect(second.remaining).toBeLessThan(first.limit);

      expectRateLimitHeaders((await readerApi.post('clients', { name: 'x' })).headers);
      expectRateLimitHeaders((await rawRequest(clientsUrl())).headers);
      expectRateLimitHeaders((await admin.api.get('clients/does-not-exist')).headers);
    });
  });
});
