import { SqlEventStore } from '@roster/event-store';
import { RosterError } from '@roster/errors';
import { PgliteDatabase } from '@roster/sql';
import { ClientGrantsReader } from './client-grants/client-grants.reader';
import { ClientsReader } from './clients/clients.reader';
import { ConnectionsReader } from './connections/connections.reader';
import { registryProjections } from './index';
import { ProjectionRunner } from './projection-runner';
import { ReadModelFreshness } from './read-model-freshness';
import { appendAll, at, ev } from './read-models.fixtures';
import { dumpReadModels, rebuildReadModels } from './rebuild';
import { ResourceServersReader } from './resource-servers/resource-servers.reader';
import { TenantsReader } from './tenants/tenants.reader';

/**
 * The five registry read models fed through a real SqlEventStore on PGlite by one runner, read back through their
 * readers in Auth0's shapes.
 */
const T = 'acme';
const API1 = 'https://api1.acme.test/';
const API2 = 'https://api2.acme.test/';
const MGMT = 'https://acme.roster.test/api/v2/';

const history = [
  ev.tenantCreated(T),
  ev.logStreamCreated(T, 'lst_0123456789abcdef'),
  ev.tenantCreated('other'),
  ev.tenantSettingsChanged(T, { friendly_name: 'Acme Inc', support_url: 'https://help.acme.test' }),
  ev.signingKeyRotated(T, 'k1', null, 2),
  ev.signingKeyRotated(T, 'k2', { kid: 'k1', validUntil: at(100) }, 3),
  ev.signingKeyRotated(T, 'k3', { kid: 'k2', validUntil: null }, 4),
  ev.connectionCreated(T, 'con_A', 'Username-Password-Authentication'),
  ev.connectionCreated(T, 'con_B', 'google', 'google-oauth2'),
  ev.connectionCreated(T, 'con_C', 'github', 'github'),
  ev.applicationRegistered(
    T,
    'app1',
    { name: 'Web', logo_uri: 'https://app.test/logo.png' },
    { connections: ['con_A', 'con_B'] },
  ),
  ev.applicationRegistered(
    T,
    'app2',
    {
      name: 'SPA',
      app_type: 'spa',
      is_first_party: false,
      token_endpoint_auth_method: 'none',
      third_party_security_mode: 'strict',
    },
    { secretHash: null, connections: ['con_A'] },
  ),
  ev.applicationRegistered(T, 'app3', {
    name: 'M2M',
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
  }),
  ev.applicationRegistered(T, 'app4', { name: 'Native', app_type: 'native' }, { connections: ['con_A', 'con_C'] }),
  ev.applicationRegistered('other', 'appX', { name: 'Elsewhere' }, { connections: [] }),
  ev.applicationSettingsChanged(T, 'app1', {
    name: 'Web Renamed',
    description: 'Edited',
    callbacks: ['https://new.test/cb'],
  }),
  // null unsets an optional field (Auth0 then omits it).
  ev.applicationSettingsChanged(T, 'app1', { logo_uri: null } as unknown as Record<string, never>),
  ev.secretRotated(T, 'app1', 'hash-app1-v2', { hash: 'hash-app1', validUntil: at(500) }),
  ev.secretRotated(T, 'app3', 'hash-app3-v2', { hash: 'hash-app3', validUntil: null }),
  ev.connectionsChanged(T, 'app2', ['con_A', 'con_C'], ['con_C']),
  ev.connectionRemoved(T, 'con_B', 'google'),
  // app1's own list still names the removed con_B: only existing connections get linked.
  ev.connectionsChanged(T, 'app1', ['con_A', 'con_B', 'con_C'], ['con_C']),
  ev.connectionSettingsChanged(T, 'con_C', { display_name: 'GitHub' }),
  ev.resourceServerCreated(T, 'rs_mgmt', MGMT, { isSystem: true, scopes: ['read:clients', 'create:clients'] }),
  ev.resourceServerCreated(T, 'rs_1', API1),
  ev.resourceServerCreated(T, 'rs_2', API2),
  ev.resourceServerSettingsChanged(T, 'rs_1', { name: 'Things API', token_lifetime: 3600 }),
  ev.clientGrantCreated(T, 'cgr_1', 'app1', API1, ['read:things']),
  ev.clientGrantCreated(T, 'cgr_2', 'app3', API1, ['read:things']),
  ev.clientGrantCreated(T, 'cgr_3', 'app1', API2, ['read:things']),
  ev.clientGrantCreated(T, 'cgr_4', 'app4', API1, ['read:things']),
  ev.clientGrantCreated(T, 'cgr_5', 'app3', MGMT, ['read:clients']),
  ev.clientGrantScopeChanged(T, 'cgr_1', ['read:things', 'write:things']),
  ev.resourceServerRemoved(T, 'rs_2', API2),
  ev.applicationRemoved(T, 'app4'),
  ev.signingKeyRotated(T, 'k4', { kid: 'k3', validUntil: at(300) }, 200),
];

describe('registry read models on PGlite', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  let freshness: ReadModelFreshness;
  let clients: ClientsReader;
  let connections: ConnectionsReader;
  let grants: ClientGrantsReader;
  let apis: ResourceServersReader;
  let tenants: TenantsReader;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.create(db, { pollIntervalMs: 50 });
    runner = new ProjectionRunner(db, store, registryProjections, { maxBatchSize: 7 });
    await runner.start();
    freshness = new ReadModelFreshness(db, { runner });
    const head = await appendAll(store, history);
    expect(await freshness.waitForPosition(head, 10_000)).toBe(true);
    clients = new ClientsReader(db);
    connections = new ConnectionsReader(db);
    grants = new ClientGrantsReader(db);
    apis = new ResourceServersReader(db);
    tenants = new TenantsReader(db);
  }, 60_000);

  afterAll(async () => {
    await freshness?.close();
    await runner?.stop();
    await store?.close();
    await db?.close();
  });

  describe('clients', () => {
    it('lists Auth0 client objects as a bare array by default, oldest first, per tenant, without secrets', async () => {
      const list = await clients.list(T);
      expect(Array.isArray(list)).toBe(true);
      const docs = list as Array<Record<string, unknown>>;
      expect(docs.map((c) => c.client_id)).toEqual(['app1', 'app2', 'app3']);
      expect(docs[0]).toMatchObject({
        client_id: 'app1',
        tenant: T,
        global: false,
        name: 'Web Renamed',
        description: 'Edited',
        app_type: 'regular_web',
        is_first_party: true,
        token_endpoint_auth_method: 'client_secret_post',
        callbacks: ['https://new.test/cb'],
        is_token_endpoint_ip_header_trusted: false,
        jwt_configuration: { lifetime_in_seconds: 36000, alg: 'RS256', secret_encoded: false },
      });
      expect(docs[0]).not.toHaveProperty('logo_uri');
      for (const doc of docs) {
        expect(Object.keys(doc).filter((k) => /secret_hash|client_secret/.test(k))).toEqual([]);
        expect(JSON.stringify(doc)).not.toContain('hash-app');
      }
      expect(await clients.list('other')).toEqual([expect.objectContaining({ client_id: 'appX', tenant: 'other' })]);
    });

    it('pages by offset with totals', async () => {
      expect(await clients.list(T, { page: 1, per_page: 2, include_totals: true })).toEqual({
        start: 2,
        limit: 2,
        total: 3,
        clients: [expect.objectContaining({ client_id: 'app3' })],
      });
      expect(await clients.list(T, { page: 5, per_page: 2 })).toEqual([]);
    });

    it('pages by checkpoint with an opaque next token, absent on the last page', async () => {
      const first = await clients.list(T, { take: 2 });
      expect(first).toEqual({
        next: expect.any(String),
        clients: [expect.objectContaining({ client_id: 'app1' }), expect.objectContaining({ client_id: 'app2' })],
      });
      const next = (first as { next: string }).next;
      const second = await clients.list(T, { from: next, take: 2 });
      expect(second).toEqual({ clients: [expect.objectContaining({ client_id: 'app3' })] });
      await expect(clients.list(T, { from: 'not-a-token' })).rejects.toMatchObject({
        code: 'invalid_paging',
        kind: 'validation',
      });
      await expect(clients.list(T, { from: 'not-a-token' })).rejects.toBeInstanceOf(RosterError);
    });

    it('filters by app_type, is_first_party and is_global', async () => {
      const ids = async (params: Parameters<ClientsReader['list']>[1]) =>
        ((await clients.list(T, params)) as Array<{ client_id: string }>).map((c) => c.client_id);
      expect(await ids({ app_type: ['spa', 'native'] })).toEqual(['app2']);
      expect(await ids({ app_type: ['regular_web', 'non_interactive'] })).toEqual(['app1', 'app3']);
      expect(await ids({ is_first_party: false })).toEqual(['app2']);
      expect(await ids({ is_first_party: true, app_type: ['non_interactive'] })).toEqual(['app3']);
      expect(await ids({ is_global: true })).toEqual([]);
      expect(await ids({ is_global: false })).toEqual(['app1', 'app2', 'app3']);
      expect(await clients.list(T, { is_first_party: false, include_totals: true })).toMatchObject({ total: 1 });
    });

    it('gets one client, and null once removed', async () => {
      expect(await clients.get(T, 'app2')).toMatchObject({
        client_id: 'app2',
        third_party_security_mode: 'strict',
        is_first_party: false,
      });
      expect(await clients.get(T, 'app4')).toBeNull();
      expect(await clients.get('other', 'app1')).toBeNull();
    });

    it('gives the token endpoint hashes and the end of the previous secret', async () => {
      expect(await clients.credentials(T, 'app1')).toEqual({
        tenant: T,
        client_id: 'app1',
        name: 'Web Renamed',
        app_type: 'regular_web',
        is_first_party: true,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
        secret_hash: 'hash-app1-v2',
        previous_secret_hash: 'hash-app1',
        previous_secret_valid_until: at(500),
      });
      // Revoked at once: no previous hash kept.
      expect(await clients.credentials(T, 'app3')).toMatchObject({
        secret_hash: 'hash-app3-v2',
        previous_secret_hash: null,
        previous_secret_valid_until: null,
        grant_types: ['client_credentials'],
      });
      expect(await clients.credentials(T, 'app2')).toMatchObject({
        secret_hash: null,
        token_endpoint_auth_method: 'none',
      });
      expect(await clients.credentials(T, 'app4')).toBeNull();
    });

    it('knows the connections of an application, without removed ones', async () => {
      expect(await clients.connectionIdsOf(T, 'app1')).toEqual(['con_A', 'con_C']);
      expect(await clients.connectionIdsOf(T, 'app2')).toEqual(['con_A', 'con_C']);
      expect(await clients.connectionIdsOf(T, 'app3')).toEqual([]);
      expect(await clients.connectionIdsOf(T, 'app4')).toEqual([]);
    });
  });

  describe('connections', () => {
    it('gets the Auth0 connection object with enabled_clients', async () => {
      expect(await connections.get(T, 'con_A')).toEqual({
        id: 'con_A',
        name: 'Username-Password-Authentication',
        strategy: 'auth0',
        options: { brute_force_protection: true },
        realms: ['Username-Password-Authentication'],
        is_domain_connection: false,
        enabled_clients: ['app1', 'app2'],
      });
      expect(await connections.get(T, 'con_C')).toMatchObject({
        display_name: 'GitHub',
        enabled_clients: ['app1', 'app2'],
      });
      expect(await connections.get(T, 'con_B')).toBeNull();
    });

    it('lists with paging shapes and name / strategy filters', async () => {
      const all = (await connections.list(T)) as Array<{ id: string }>;
      expect(all.map((c) => c.id)).toEqual(['con_A', 'con_C']);
      expect(await connections.list(T, { include_totals: true, per_page: 1 })).toEqual({
        start: 0,
        limit: 1,
        total: 2,
        connections: [expect.objectContaining({ id: 'con_A', enabled_clients: ['app1', 'app2'] })],
      });
      expect(await connections.list(T, { strategy: ['github'] })).toEqual([expect.objectContaining({ id: 'con_C' })]);
      expect(await connections.list(T, { name: 'Username-Password-Authentication' })).toEqual([
        expect.objectContaining({ id: 'con_A' }),
      ]);
      expect(await connections.list(T, { name: 'google' })).toEqual([]);
      expect(await connections.list(T, { take: 5 })).toEqual({
        connections: [expect.objectContaining({ id: 'con_A' }), expect.objectContaining({ id: 'con_C' })],
      });
    });

    it('finds by name and lists every id', async () => {
      expect(await connections.byName(T, 'github')).toMatchObject({ id: 'con_C' });
      expect(await connections.byName(T, 'google')).toBeNull();
      expect(await connections.allIds(T)).toEqual(['con_A', 'con_C']);
      expect(await connections.allIds('other')).toEqual([]);
    });

    it('pages the clients of a connection by checkpoint', async () => {
      const first = await connections.clientsOf(T, 'con_A', { take: 1 });
      expect(first).toEqual({ clients: [{ client_id: 'app1' }], next: expect.any(String) });
      expect(await connections.clientsOf(T, 'con_A', { take: 1, from: first.next })).toEqual({
        clients: [{ client_id: 'app2' }],
      });
      expect(await connections.clientsOf(T, 'con_B')).toEqual({ clients: [] });
    });

    it('lists the connections of a client (GET /clients/{id}/connections)', async () => {
      expect(await connections.listForClient(T, 'app2', { strategy: ['github'] })).toEqual({
        connections: [expect.objectContaining({ id: 'con_C' })],
      });
      const page = await connections.listForClient(T, 'app1', { take: 1 });
      expect(page).toEqual({ connections: [expect.objectContaining({ id: 'con_A' })], next: expect.any(String) });
      expect(await connections.listForClient(T, 'app1', { take: 1, from: page.next })).toEqual({
        connections: [expect.objectContaining({ id: 'con_C' })],
      });
    });
  });

  describe('client grants', () => {
    it('lists in Auth0 shapes, filtered by client and audience; cascades removals', async () => {
      const all = (await grants.list(T)) as Array<{ id: string }>;
      // cgr_3 went with its API (rs_2), cgr_4 with its application (app4).
      expect(all.map((g) => g.id)).toEqual(['cgr_1', 'cgr_2', 'cgr_5']);
      expect(await grants.list(T, { client_id: 'app1' })).toEqual([
        { id: 'cgr_1', client_id: 'app1', audience: API1, scope: ['read:things', 'write:things'] },
      ]);
      expect(await grants.list(T, { audience: API1, include_totals: true })).toEqual({
        start: 0,
        limit: 50,
        total: 2,
        client_grants: [expect.objectContaining({ id: 'cgr_1' }), expect.objectContaining({ id: 'cgr_2' })],
      });
      expect(await grants.list(T, { client_id: 'app3', audience: MGMT })).toEqual([
        expect.objectContaining({ id: 'cgr_5' }),
      ]);
    });

    it('gets by id and finds by (client, audience)', async () => {
      expect(await grants.get(T, 'cgr_2')).toEqual({
        id: 'cgr_2',
        client_id: 'app3',
        audience: API1,
        scope: ['read:things'],
      });
      expect(await grants.find(T, 'app1', API1)).toMatchObject({ id: 'cgr_1', scope: ['read:things', 'write:things'] });
      expect(await grants.find(T, 'app1', API2)).toBeNull();
      expect(await grants.get(T, 'cgr_4')).toBeNull();
    });
  });

  describe('resource servers', () => {
    it('lists, gets and finds by identifier', async () => {
      expect(await apis.list(T, { include_totals: true })).toEqual({
        start: 0,
        limit: 50,
        total: 2,
        resource_servers: [
          expect.objectContaining({ id: 'rs_mgmt', is_system: true }),
          expect.objectContaining({ id: 'rs_1' }),
        ],
      });
      expect(await apis.get(T, 'rs_1')).toEqual({
        id: 'rs_1',
        name: 'Things API',
        identifier: API1,
        scopes: [{ value: 'read:things', description: 'read:things' }],
        signing_alg: 'ES256',
        token_lifetime: 3600,
        allow_offline_access: false,
        skip_consent_for_verifiable_first_party_clients: true,
        is_system: false,
      });
      expect(await apis.byIdentifier(T, MGMT)).toMatchObject({ id: 'rs_mgmt' });
      expect(await apis.byIdentifier(T, API2)).toBeNull();
      expect(await apis.get(T, 'rs_2')).toBeNull();
    });
  });

  describe('tenants', () => {
    it('keeps merged settings and the current sealed key', async () => {
      const acme = await tenants.get(T);
      expect(acme?.settings).toEqual({
        friendly_name: 'Acme Inc',
        support_email: 'support@acme.test',
        support_url: 'https://help.acme.test',
        flags: { enable_dynamic_client_registration: false, enable_client_connections: true },
      });
      expect(acme?.signing_key).toEqual({
        kid: 'k4',
        public_jwk: expect.objectContaining({ kid: 'k4', kty: 'EC' }),
        sealed_private_key: 'sealed:k4',
      });
      expect((await tenants.list()).map((t) => t.tenant)).toEqual([T, 'other']);
      expect((await tenants.get('other'))?.signing_key).toBeNull();
      expect(await tenants.get('nobody')).toBeNull();
    });

    it('publishes previous keys until their end, drops revoked and expired ones', async () => {
      // k1 expired before k4's rotation, k2 was revoked at once, k3 stays until at(300).
      expect((await tenants.get(T))?.signing_keys).toEqual([
        { kid: 'k3', public_jwk: expect.objectContaining({ kid: 'k3' }), valid_until: at(300) },
        { kid: 'k4', public_jwk: expect.objectContaining({ kid: 'k4' }), valid_until: null },
      ]);
      const kids = async (now: string) => (await tenants.jwks(T, new Date(now)))?.keys.map((k) => k.kid);
      expect(await kids(at(250))).toEqual(['k3', 'k4']);
      expect(await kids(at(301))).toEqual(['k4']);
      expect(await tenants.jwks('nobody', new Date())).toBeNull();
    });
  });

  describe('rebuild', () => {
    it('yields exactly the rows of the incremental build', async () => {
      await runner.stop();
      const incremental = await dumpReadModels(db, registryProjections);
      expect(Object.values(incremental).every((rows) => rows.length > 0)).toBe(true);

      const result = await rebuildReadModels(db, store, registryProjections, { batchSize: 5 });
      expect(result.events).toBe(history.length);
      expect(await dumpReadModels(db, registryProjections)).toEqual(incremental);

      // A runner started afterwards resumes at the head and changes nothing.
      await runner.start();
      expect(runner.position).toBe(result.position);
      expect(await dumpReadModels(db, registryProjections)).toEqual(incremental);
    });
  });
});
