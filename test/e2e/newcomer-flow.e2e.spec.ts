import { storedText } from '../support/stored-text';
import { ManagementClient } from 'auth0';
import { useAllInOne } from './support-http';

/**
 * The README's walkthrough, over HTTP against the all-in-one process: bootstrap credentials → token → manage
 * applications with plain HTTP and with the official `auth0` SDK.
 */
describe('newcomer flow (all-in-one, embedded store)', () => {
  // Signs in with the bootstrap credentials, as the walkthrough's first step does.
  const { roster, admin } = useAllInOne();
  const issuedSecrets: string[] = [];

  it('writes bootstrap credentials that describe this tenant', () => {
    const base = roster.tenantBase();
    expect(roster.bootstrap).toEqual({
      tenant: 'default',
      client_id: expect.any(String),
      client_secret: expect.any(String),
      token_endpoint: `${base}/oauth/token`,
      audience: `${base}/api/v2/`,
    });
    expect(roster.bootstrap.client_secret.length).toBeGreaterThanOrEqual(43);
  });

  it('publishes discovery and JWKS', async () => {
    const base = roster.tenantBase();
    const discovery = await (await fetch(`${base}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer: `${base}/`,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      registration_endpoint: `${base}/oidc/register`,
      grant_types_supported: expect.arrayContaining(['client_credentials']),
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    });
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('creates an M2M application, grants it an API, and the app gets tokens for it', async () => {
    const { api } = admin;
    const created = await api.post('clients', { name: 'Billing worker', app_type: 'non_interactive' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Billing worker',
      app_type: 'non_interactive',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      is_first_party: true,
      client_secret: expect.any(String),
    });
    const { client_id, client_secret } = created.body;
    issuedSecrets.push(client_secret);

    // The new app sees the default connection (every tenant connection by default).
    const connections = await api.get(`clients/${client_id}/connections`);
    expect(connections.status).toBe(200);
    expect(connections.body.connections.map((c: { name: string }) => c.name)).toEqual([
      'Username-Password-Authentication',
    ]);

    const resourceServer = await api.post('resource-servers', {
      name: 'Invoices API',
      identifier: 'https://invoices.example.com/',
      scopes: [{ value: 'read:invoices', description: 'Read invoices' }, { value: 'write:invoices' }],
    });
    expect(resourceServer.status).toBe(201);
    const grant = await api.post('client-grants', {
      client_id,
      audience: 'https://invoices.example.com/',
      scope: ['read:invoices'],
    });
    expect(grant.status).toBe(201);

    const response = await fetch(roster.bootstrap.token_endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', audience: 'https://invoices.example.com/' }),
    });
    // The app's method is client_secret_post, so Basic is refused as RFC 6749 §5.2 invalid_client.
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });

    const ok = await fetch(roster.bootstrap.token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id,
        client_secret,
        audience: 'https://invoices.example.com/',
      }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const issued = (await ok.json()) as { access_token: string };
    expect(issued).toMatchObject({ token_type: 'Bearer', scope: 'read:invoices', expires_in: expect.any(Number) });
    const [, payload] = issued.access_token.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      iss: `${roster.tenantBase()}/`,
      sub: `${client_id}@clients`,
      aud: 'https://invoices.example.com/',
      scope: 'read:invoices',
      gty: 'client-credentials',
      azp: client_id,
    });
  });

  it('reports readiness and counts requests by route in /metrics', async () => {
    const ready = await fetch(`${roster.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      dependencies: { event_store: 'up', read_models: 'up', projections: 'up' },
    });
    await fetch(`${roster.tenantBase()}/.well-known/jwks.json`);
    const metrics = await (await fetch(`${roster.url}/metrics`)).text();
    expect(metrics).toMatch(
      /roster_http_requests_total\{method="GET",route="\/tenants\/:tenant\/.well-known\/jwks.json",status="200"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /roster_http_request_duration_seconds_bucket\{method="GET",route="\/health\/ready",le="\+Inf"\} [1-9]/,
    );
    // Routes, never raw URLs: no client id or tenant name leaks into label values.
    expect(metrics).not.toContain('/tenants/default/');
  });

  it('serves every client operation of the official auth0 SDK', async () => {
    const management = new ManagementClient({
      domain: `${new URL(roster.url).host}/tenants/default`,
      token: () => admin.token,
      fetch: ((input: string | URL | Request, init?: RequestInit) =>
        fetch(String(input instanceof Request ? input.url : input).replace(/^https:/, 'http:'), init)) as typeof fetch,
    });
    const created = await management.clients.create({
      name: 'SDK app',
      app_type: 'regular_web',
      callbacks: ['https://app.example.com/callback'],
      client_metadata: { team: 'platform' },
    });
    expect(created.client_id).toEqual(expect.any(String));
    expect(created.client_secret).toEqual(expect.any(String));

    const fetched = await management.clients.get(created.client_id!);
    expect(fetched).toMatchObject({
      name: 'SDK app',
      callbacks: ['https://app.example.com/callback'],
      client_metadata: { team: 'platform' },
    });
    expect(fetched.client_secret).toBeUndefined();

    const page = await management.clients.list({ app_type: 'regular_web', include_totals: true });
    expect(page.data.map((c) => c.client_id)).toContain(created.client_id);

    const updated = await management.clients.update(created.client_id!, {
      description: 'Renamed by the SDK',
      client_metadata: { team: null as unknown as string, owner: 'ops' },
    });
    expect(updated).toMatchObject({ description: 'Renamed by the SDK', client_metadata: { owner: 'ops' } });

    const rotated = await management.clients.rotateSecret(created.client_id!);
    expect(rotated.client_secret).toEqual(expect.any(String));
    expect(rotated.client_secret).not.toBe(created.client_secret);

    await management.clients.delete(created.client_id!);
    await expect(management.clients.get(created.client_id!)).rejects.toMatchObject({ statusCode: 404 });
    issuedSecrets.push(created.client_secret!, rotated.client_secret!);
  });

  it('keeps every secret it issued out of the event store and the read models', async () => {
    const secrets = [roster.bootstrap.client_secret, ...issuedSecrets];
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const { events, readModels, tables } = await storedText(roster);
    expect(tables).toBeGreaterThanOrEqual(6);
    for (const secret of secrets) {
      expect(events).not.toContain(secret);
      expect(readModels).not.toContain(secret);
    }
    // The private signing key is in the store only sealed: no PEM, no JWK private member.
    expect(events).not.toMatch(/PRIVATE KEY|"d":/);
  });
});
