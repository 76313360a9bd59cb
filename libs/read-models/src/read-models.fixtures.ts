/**
 * Test support: registry events with realistic defaults, appended through a real event store. Not exported from the
 * library's index (tests import it directly).
 */
import { randomUUID } from 'crypto';
import type { EventStore } from '@roster/event-store';
import { PgliteDatabase, PostgresDatabase, type SqlDatabase, type SqlQueryable } from '@roster/sql';
import { createScratchDatabase, describeWithService } from '@roster/testing';
import { Projection, defineProjection, sql } from './projection';
import type {
  ApplicationEvent,
  ClientGrantEvent,
  ClientSettings,
  ConnectionEvent,
  DomainEvent,
  LogStreamEvent,
  ResourceServerEvent,
  TenantEvent,
  TenantSettings,
} from '@roster/registry-domain';
import { defaultClientSettings } from '@roster/registry-domain';

type RegistryEvent =
  TenantEvent | ApplicationEvent | ConnectionEvent | ResourceServerEvent | ClientGrantEvent | LogStreamEvent;

/** Deterministic event times: second `n` of 2025-01-01. */
export const at = (n: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();

export const tenantSettings = (overrides: Partial<TenantSettings> = {}): TenantSettings => ({
  friendly_name: 'Acme',
  support_email: 'support@acme.test',
  flags: { enable_dynamic_client_registration: false, enable_client_connections: true },
  ...overrides,
});

/** A regular web app as the domain fills it in (its own defaults, not a copy of them), with one callback. */
export const clientSettings = (overrides: Partial<ClientSettings> = {}): ClientSettings => ({
  ...defaultClientSettings({
    name: 'My App',
    app_type: 'regular_web',
    token_endpoint_auth_method: 'client_secret_post',
    is_first_party: true,
    origin: 'management_api',
  }),
  grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  callbacks: ['https://app.test/callback'],
  ...overrides,
});

/** The stream an event belongs to, per the events contract (`<category>-<tenant>:<id>`). */
export const streamOf = (event: RegistryEvent): string => {
  const d = event.data as Record<string, string>;
  switch (event.type) {
    case 'TenantCreated':
    case 'TenantSettingsChanged':
    case 'SigningKeyRotated':
      return `tenant-${d.tenant}`;
    case 'ApplicationRegistered':
    case 'ApplicationSettingsChanged':
    case 'SecretRotated':
    case 'ConnectionsChanged':
    case 'RegistrationChanged':
    case 'ApplicationRemoved':
      return `application-${d.tenant}:${d.client_id}`;
    case 'ConnectionCreated':
    case 'ConnectionSettingsChanged':
    case 'ConnectionRemoved':
      return `connection-${d.tenant}:${d.connection_id}`;
    case 'ResourceServerCreated':
    case 'ResourceServerSettingsChanged':
    case 'ResourceServerRemoved':
      return `resource-server-${d.tenant}:${d.resource_server_id}`;
    case 'ClientGrantCreated':
    case 'ClientGrantScopeChanged':
    case 'ClientGrantRemoved':
      return `client-grant-${d.tenant}:${d.client_grant_id}`;
    case 'LogStreamCreated':
    case 'LogStreamChanged':
    case 'LogStreamResumed':
    case 'LogStreamDeleted':
      return `log-stream-${d.tenant}:${d.id}`;
  }
};

const event = <E extends RegistryEvent>(type: E['type'], data: E['data']): E => ({ type, data }) as E;

/** Event builders: the fields a test cares about, realistic defaults for the rest. */
export const ev = {
  logStreamCreated: (tenant: string, id: string, n = 0) =>
    event<LogStreamEvent>('LogStreamCreated', {
      tenant,
      id,
      at: at(n),
      type: 'http',
      name: `Stream ${id}`,
      status: 'active',
      filters: [{ type: 'category', name: 'auth.login.fail' }],
      sink: { httpEndpoint: 'https://siem.acme.test/logs', httpContentFormat: 'JSONLINES' },
      // Sealed elsewhere: the read model only stores it.
      sealed_secrets: 'sealed-secrets-placeholder',
    }),
  tenantCreated: (tenant: string, settings = tenantSettings()) =>
    event<TenantEvent>('TenantCreated', { tenant, at: at(0), settings }),
  tenantSettingsChanged: (tenant: string, changes: Partial<TenantSettings>) =>
    event<TenantEvent>('TenantSettingsChanged', { tenant, at: at(1), changes }),
  signingKeyRotated: (
    tenant: string,
    kid: string,
    previous: { kid: string; validUntil: string | null } | null,
    n = 2,
  ) =>
    event<TenantEvent>('SigningKeyRotated', {
      tenant,
      at: at(n),
      kid,
      alg: 'ES256',
      public_jwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}`, kid, alg: 'ES256', use: 'sig' },
      sealed_private_key: `sealed:${kid}`,
      previous_kid: previous?.kid ?? null,
      previous_key_valid_until: previous?.validUntil ?? null,
    }),
  applicationRegistered: (
    tenant: string,
    clientId: string,
    settings: Partial<ClientSettings> = {},
    options: { secretHash?: string | null; connections?: string[] } = {},
  ) =>
    event<ApplicationEvent>('ApplicationRegistered', {
      tenant,
      client_id: clientId,
      at: at(3),
      origin: 'management_api',
      settings: clientSettings(settings),
      secret_hash: options.secretHash === undefined ? `hash-${clientId}` : options.secretHash,
      enabled_connections: options.connections ?? [],
    }),
  applicationSettingsChanged: (tenant: string, clientId: string, changes: Partial<ClientSettings>) =>
    event<ApplicationEvent>('ApplicationSettingsChanged', { tenant, client_id: clientId, at: at(4), changes }),
  secretRotated: (
    tenant: string,
    clientId: string,
    hash: string,
    previous: { hash: string; validUntil: string | null },
  ) =>
    event<ApplicationEvent>('SecretRotated', {
      tenant,
      client_id: clientId,
      at: at(5),
      secret_hash: hash,
      previous_secret_hash: previous.hash,
      previous_secret_valid_until: previous.validUntil,
    }),
  connectionsChanged: (
    tenant: string,
    clientId: string,
    enabled: string[],
    added: string[] = [],
    removed: string[] = [],
  ) =>
    event<ApplicationEvent>('ConnectionsChanged', {
      tenant,
      client_id: clientId,
      at: at(6),
      enabled_connections: enabled,
      added,
      removed,
    }),
  applicationRemoved: (tenant: string, clientId: string) =>
    event<ApplicationEvent>('ApplicationRemoved', { tenant, client_id: clientId, at: at(7) }),
  connectionCreated: (
    tenant: string,
    connectionId: string,
    name: string,
    strategy: 'auth0' | 'google-oauth2' | 'github' = 'auth0',
  ) =>
    event<ConnectionEvent>('ConnectionCreated', {
      tenant,
      connection_id: connectionId,
      at: at(8),
      name,
      strategy,
      options: { brute_force_protection: true },
      realms: [name],
      is_domain_connection: false,
    }),
  connectionSettingsChanged: (tenant: string, connectionId: string, changes: Record<string, unknown>) =>
    event<ConnectionEvent>('ConnectionSettingsChanged', { tenant, connection_id: connectionId, at: at(9), changes }),
  connectionRemoved: (tenant: string, connectionId: string, name: string) =>
    event<ConnectionEvent>('ConnectionRemoved', { tenant, connection_id: connectionId, at: at(10), name }),
  resourceServerCreated: (
    tenant: string,
    id: string,
    identifier: string,
    options: { isSystem?: boolean; scopes?: string[] } = {},
  ) =>
    event<ResourceServerEvent>('ResourceServerCreated', {
      tenant,
      resource_server_id: id,
      at: at(11),
      identifier,
      name: `API ${identifier}`,
      scopes: (options.scopes ?? ['read:things']).map((value) => ({ value, description: value })),
      signing_alg: 'ES256',
      token_lifetime: 86400,
      allow_offline_access: false,
      skip_consent_for_verifiable_first_party_clients: true,
      is_system: options.isSystem ?? false,
    }),
  resourceServerSettingsChanged: (tenant: string, id: string, changes: Record<string, unknown>) =>
    event<ResourceServerEvent>('ResourceServerSettingsChanged', {
      tenant,
      resource_server_id: id,
      at: at(12),
      changes,
    }),
  resourceServerRemoved: (tenant: string, id: string, identifier: string) =>
    event<ResourceServerEvent>('ResourceServerRemoved', { tenant, resource_server_id: id, at: at(13), identifier }),
  clientGrantCreated: (tenant: string, id: string, clientId: string, audience: string, scope: string[]) =>
    event<ClientGrantEvent>('ClientGrantCreated', {
      tenant,
      client_grant_id: id,
      at: at(14),
      client_id: clientId,
      audience,
      scope,
    }),
  clientGrantScopeChanged: (tenant: string, id: string, scope: string[]) =>
    event<ClientGrantEvent>('ClientGrantScopeChanged', { tenant, client_grant_id: id, at: at(15), scope }),
  clientGrantRemoved: (tenant: string, id: string, clientId: string, audience: string) =>
    event<ClientGrantEvent>('ClientGrantRemoved', {
      tenant,
      client_grant_id: id,
      at: at(16),
      client_id: clientId,
      audience,
    }),
};

/** Appends each event to its own stream, in order; resolves to the global position of the last one. */
export const appendAll = async (store: EventStore, events: readonly DomainEvent[]): Promise<bigint> => {
  let position = 0n;
  for (const e of events) {
    const result = await store.append(
      streamOf(e as RegistryEvent),
      [{ id: randomUUID(), type: e.type, data: e.data }],
      'any',
    );
    position = result.position;
  }
  return position;
};

/**
 * A projection that counts how often it saw each `Ticked` event (n = n + 1), so applying anything twice shows up
 * as a 2. `failOnce` makes it throw once, after applying the event with that key.
 */
type Ticked = DomainEvent<'Ticked', { key: string }>;

export const countingProjection = (version: number, options: { failOnce?: string } = {}): Projection => {
  const table = `rm_test_ticks_v${version}`;
  let failed = false;
  const projection = defineProjection<Ticked>({
    name: 'ticks',
    version,
    streamPrefixes: ['tick-'],
    tables: [{ name: table, ddl: [`CREATE TABLE IF NOT EXISTS ${table} (key text PRIMARY KEY, n int NOT NULL)`] }],
    reducers: {
      Ticked: (e) =>
        sql(`INSERT INTO ${table} (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = ${table}.n + 1`, e.key),
    },
  });
  return {
    ...projection,
    apply: async (tx, event) => {
      await projection.apply(tx, event);
      if (event.data.key === options.failOnce && !failed) {
        failed = true;
        throw new Error(`transient failure on ${options.failOnce}`);
      }
    },
  };
};

/** Appends one `Ticked` event per key, each to stream `tick-<key>`; resolves to the last position. */
export const tick = async (store: EventStore, ...keys: string[]): Promise<bigint> => {
  let position = 0n;
  for (const key of keys) {
    position = (await store.append(`tick-${key}`, [{ id: randomUUID(), type: 'Ticked', data: { key } }], 'any'))
      .position;
  }
  return position;
};

export const counts = async (db: SqlQueryable, version = 1): Promise<Record<string, number>> => {
  const { rows } = await db.query<{ key: string; n: number }>(
    `SELECT key, n FROM rm_test_ticks_v${version} ORDER BY key`,
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
};

/** A database a suite opens for itself, with how to dispose of it. */
export type OpenDatabase = () => Promise<{ db: SqlDatabase; close: () => Promise<void> }>;

/** Defines `suite` twice: on embedded PGlite, and on a scratch PostgreSQL database (where PostgreSQL is reachable). */
export const describeOnSqlDatabases = (title: string, suite: (open: OpenDatabase) => void): void => {
  describe(`${title} on PGlite`, () =>
    suite(async () => {
      const db = await PgliteDatabase.open();
      return { db, close: () => db.close() };
    }));
  describeWithService('postgres', `${title} on PostgreSQL`, () =>
    suite(async () => {
      const scratch = await createScratchDatabase('roster_read_models_spec');
      const db = new PostgresDatabase(scratch.url);
      return {
        db,
        close: async () => {
          await db.close();
          await scratch.drop();
        },
      };
    }),
  );
};
