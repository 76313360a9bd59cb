import { fetchToken, managementClient } from '../support/roster-instance';
import type { ManagementClient } from '../support/roster-instance';
import { createClient, expectManagementError, expectOAuthError, tokenRequest, useAllInOne } from './support-http';

interface TenantCredentials {
  tenant: string;
  client_id: string;
  client_secret: string;
  token_endpoint: string;
  audience: string;
}

/**
 * Tenants share one process and one store but nothing else: a token, an id or a client grant of one tenant is worth
 * nothing in another (reference §6.7 "cross-tenant"), and only the operator tenant `default` creates tenants.
 */
describe('tenant isolation', () => {
  const { roster, admin } = useAllInOne();
  let acme: TenantCredentials;
  let acmeToken: string;
  let acmeApi: ManagementClient;
  /** An application of `default`, used to probe acme's endpoints by id. */
  let defaultApp: { client_id: string; client_secret?: string };

  beforeAll(async () => {
    defaultApp = await createClient(admin.api, { name: 'Default tenant worker', app_type: 'non_interactive' });
  });

  it('creates tenant acme through the operator API and answers once with its admin credentials', async () => {
    const created = await admin.api.post('tenants', { name: 'acme' });
    expect(created.status).toBe(201);
    const base = roster.tenantBase('acme');
    expect(created.body).toEqual({
      tenant: 'acme',
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
      client_secret: expect.any(String),
      token_endpoint: `${base}/oauth/token`,
      audience: `${base}/api/v2/`,
    });
    expect(created.body.client_secret.length).toBeGreaterThanOrEqual(43);
    acme = created.body;
    acmeToken = await fetchToken(acme.token_endpoint, acme.client_id, acme.client_secret, acme.audience);
    acmeApi = managementClient(base, acmeToken);

    const listed = await admin.api.get('tenants');
    expect(listed.status).toBe(200);
    expect(listed.body.map((t: { name: string }) => t.name).sort()).toEqual(['acme', 'default']);
  });

  it("acme's token works on acme and is refused on default", async () => {
    const own = await acmeApi.get('clients');
    expect(own.status).toBe(200);
    expect(own.body.map((c: { name: string }) => c.name)).toEqual(['Bootstrap Admin']);
    expect(own.body[0].client_id).toBe(acme.client_id);

    const onDefault = managementClient(roster.tenantBase(), acmeToken);
    for (const route of ['clients', `clients/${defaultApp.client_id}`, 'connections', 'resource-servers', 'tenants']) {
      expectManagementError(await onDefault.get(route), 401, 'invalid_token');
    }
    expectManagementError(await onDefault.post('clients', { name: 'smuggled' }), 401, 'invalid_token');
  });

  it("default's token is refused on acme", async () => {
    const onAcme = managementClient(roster.tenantBase('acme'), admin.token);
    expectManagementError(await onAcme.get('clients'), 401, 'invalid_token');
    expectManagementError(await onAcme.post('clients', { name: 'smuggled' }), 401, 'invalid_token');
    expectManagementError(await onAcme.delete(`clients/${acme.client_id}`), 401, 'invalid_token');
  });

  it('a client id of default answers 404 on acme for GET, PATCH, DELETE and rotate-secret', async () => {
    const id = defaultApp.client_id;
    expectManagementError(await acmeApi.get(`clients/${id}`), 404, 'inexistent_client');
    expectManagementError(await acmeApi.patch(`clients/${id}`, { description: 'hijacked' }), 404, 'inexistent_client');
    expectManagementError(await acmeApi.post(`clients/${id}/rotate-secret`), 404, 'inexistent_client');
    expectManagementError(await acmeApi.get(`clients/${id}/connections`), 404, 'inexistent_client');
    expectManagementError(await acmeApi.delete(`clients/${id}`), 404, 'inexistent_client');
    expectManagementError(
      await acmeApi.post('client-grants', { client_id: id, audience: acme.audience, scope: ['read:clients'] }),
      404,
      'inexistent_client',
    );

    // Untouched on its own tenant.
    const still = await admin.api.get(`clients/${id}`);
    expect(still.status).toBe(200);
    expect(still.body.description).toBeUndefined();
    expect(still.body.tenant).toBe('default');
  });

  it("lists never show the other tenant's applications, grants or connections", async () => {
    const acmeApp = await createClient(acmeApi, { name: 'Acme worker', app_type: 'non_interactive' });
    const defaultList = await admin.api.get('clients?per_page=100&include_totals=true');
    const acmeList = await acmeApi.get('clients?per_page=100&include_totals=true');
    expect(defaultList.status).toBe(200);
    expect(acmeList.status).toBe(200);
    const defaultIds = defaultList.body.clients.map((c: { client_id: string }) => c.client_id);
    const acmeIds = acmeList.body.clients.map((c: { client_id: string }) => c.client_id);
    expect(defaultIds).toEqual(expect.arrayContaining([roster.bootstrap.client_id, defaultApp.client_id]));
    expect(acmeIds.sort()).toEqual([acme.client_id, acmeApp.client_id].sort());
    expect(acmeList.body.total).toBe(2);
    expect(defaultIds).not.toContain(acmeApp.client_id);
    expect(defaultIds).not.toContain(acme.client_id);
    expect(acmeList.body.clients.every((c: { tenant: string }) => c.tenant === 'acme')).toBe(true);

    const acmeGrants = await acmeApi.get('client-grants');
    expect(acmeGrants.status).toBe(200);
    expect(acmeGrants.body.map((g: { client_id: string }) => g.client_id)).toEqual([acme.client_id]);

    const acmeApis = await acmeApi.get('resource-servers');
    expect(acmeApis.body.map((r: { identifier: string }) => r.identifier)).toEqual([acme.audience]);

    // Each tenant has its own default connection, with its own id.
    const [defaultConnections, acmeConnections] = await Promise.all([
      admin.api.get('connections'),
      acmeApi.get('connections'),
    ]);
    const defaultConnectionIds = defaultConnections.body.map((c: { id: string }) => c.id);
    expect(acmeConnections.body).toHaveLength(1);
    expect(defaultConnectionIds).not.toContain(acmeConnections.body[0].id);
    expectManagementError(await acmeApi.get(`connections/${defaultConnectionIds[0]}`), 404, 'inexistent_connection');
  });

  it("credentials of one tenant get no token at another tenant's token endpoint", async () => {
    // default's admin at acme's endpoint, for acme's Management API: unknown client there.
    expectOAuthError(
      await tokenRequest(
        acme.token_endpoint,
        { grant_type: 'client_credentials', audience: acme.audience },
        { method: 'post', clientId: roster.bootstrap.client_id, clientSecret: roster.bootstrap.client_secret },
      ),
      401,
      'invalid_client',
    );
    // acme's admin at its own endpoint, for default's Management API: no such API in acme.
    expectOAuthError(
      await tokenRequest(
        acme.token_endpoint,
        { grant_type: 'client_credentials', audience: roster.bootstrap.audience },
        { method: 'post', clientId: acme.client_id, clientSecret: acme.client_secret },
      ),
      403,
      'access_denied',
    );
  });

  it('serves the operator API on default only', async () => {
    expectManagementError(await acmeApi.get('tenants'), 404);
    expectManagementError(await acmeApi.post('tenants', { name: 'from-acme' }), 404);
    const listed = await admin.api.get('tenants');
    expect(listed.body.map((t: { name: string }) => t.name)).not.toContain('from-acme');
  });

  it('refuses a tenant that already exists with 409', async () => {
    expectManagementError(await admin.api.post('tenants', { name: 'acme' }), 409, 'tenant_exists');
    expectManagementError(await admin.api.post('tenants', { name: 'default' }), 409, 'tenant_exists');
  });

  it.each([
    ['too short', { name: 'ab' }],
    ['one character', { name: 'a' }],
    ['empty', { name: '' }],
    ['upper case', { name: 'Acme' }],
    ['leading dash', { name: '-acme' }],
    ['trailing dash', { name: 'acme-' }],
    ['a dot', { name: 'acme.corp' }],
    ['a slash', { name: 'acme/../default' }],
    ['a colon (stream id separator)', { name: 'acme:evil' }],
    ['a space', { name: 'acme corp' }],
    ['64 characters', { name: 'a'.repeat(64) }],
    ['non-ASCII', { name: 'acmé' }],
    ['a number', { name: 12345 }],
    ['missing', {}],
    ['an extra property', { name: 'valid-name', plan: 'enterprise' }],
  ])('refuses a tenant name that is %s with 400', async (_label, body) => {
    expectManagementError(await admin.api.post('tenants', body), 400, 'invalid_body');
  });

  it('created no tenant from the refused requests', async () => {
    const listed = await admin.api.get('tenants');
    expect(listed.body.map((t: { name: string }) => t.name).sort()).toEqual(['acme', 'default']);
  });
});
