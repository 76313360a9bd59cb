/**
 * Test support: one domain event of every registry event type, every optional field set, and a marked value
 * (`LEAK`) in every field that holds a secret, including secrets the domain refuses today (a connection option
 * `client_secret`, a secret sink field) as an older or buggy event could hold them. Not exported from the index.
 */
import type { RecordedEvent } from '@roster/event-store';
import { derivedUuid, initialAccessTokensStream } from '@roster/registry-domain';
import { at, clientSettings, streamOf, tenantSettings } from '../../read-models/src/read-models.fixtures';
import type { RegistryEvent, RegistryEventType } from './integration-event';

/** Marks a secret: no integration event may contain this text anywhere. */
export const LEAK = 'LEAK-';
const leak = (what: string): string => `${LEAK}${what}`;

type FixtureOf<T extends RegistryEventType> = Extract<RegistryEvent, { type: T }>;
const event = <T extends RegistryEventType>(type: T, data: FixtureOf<T>['data']) => ({ type, data }) as FixtureOf<T>;

const registration = {
  metadata: {
    response_types: ['code'],
    client_uri: 'https://app.acme.test',
    policy_uri: 'https://app.acme.test/policy',
    tos_uri: 'https://app.acme.test/tos',
    contacts: ['ops@acme.test'],
    scope: 'openid profile',
    software_id: 'acme-cli',
    software_version: '1.2.3',
    // Not a field Roster keeps: the allow-list leaves it out even if an event held it.
    ...({ registration_access_token: leak('registration_access_token') } as object),
  },
  access_token_hash: leak('access_token_hash'),
};

/** A fixture per domain event type: the compiler asks for a new one when a type is added. */
export const FIXTURES: { [T in RegistryEventType]: FixtureOf<T> } = {
  TenantCreated: event('TenantCreated', { tenant: 'acme', at: at(0), settings: tenantSettings() }),
  TenantSettingsChanged: event('TenantSettingsChanged', { tenant: 'acme', at: at(1), changes: {} }),
  SigningKeyRotated: event('SigningKeyRotated', {
    tenant: 'acme',
    at: at(2),
    kid: 'k1',
    alg: 'ES256',
    public_jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', alg: 'ES256', use: 'sig' },
    sealed_private_key: leak('sealed_private_key'),
    previous_kid: null,
    previous_key_valid_until: null,
  }),
  ApplicationRegistered: event('ApplicationRegistered', {
    tenant: 'acme',
    client_id: 'app1',
    at: at(3),
    origin: 'dynamic_registration',
    settings: clientSettings({
      name: 'Billing',
      description: 'Invoices',
      initiate_login_uri: 'https://app.acme.test/login',
      logo_uri: 'https://app.acme.test/logo.png',
      client_metadata: { team: 'billing' },
      third_party_security_mode: 'strict',
    }),
    secret_hash: leak('secret_hash'),
    enabled_connections: ['con1'],
    registration,
  }),
  ApplicationSettingsChanged: event('ApplicationSettingsChanged', {
    tenant: 'acme',
    client_id: 'app1',
    at: at(4),
    // logo_uri removed (null); client_secret is no setting: the allow-list leaves it out.
    changes: { name: 'Billing v2', logo_uri: null, ...({ client_secret: leak('client_secret') } as object) },
  }),
  SecretRotated: event('SecretRotated', {
    tenant: 'acme',
    client_id: 'app1',
    at: at(5),
    secret_hash: leak('secret_hash 2'),
    previous_secret_hash: leak('previous_secret_hash'),
    previous_secret_valid_until: at(3600),
  }),
  ConnectionsChanged: event('ConnectionsChanged', {
    tenant: 'acme',
    client_id: 'app1',
    at: at(6),
    enabled_connections: ['con1', 'con2'],
    added: ['con2'],
    removed: [],
  }),
  RegistrationChanged: event('RegistrationChanged', {
    tenant: 'acme',
    client_id: 'app1',
    at: at(7),
    ...registration,
    access_token_hash: leak('access_token_hash 2'),
  }),
  ApplicationRemoved: event('ApplicationRemoved', { tenant: 'acme', client_id: 'app1', at: at(8) }),
  ConnectionCreated: event('ConnectionCreated', {
    tenant: 'acme',
    connection_id: 'con1',
    at: at(9),
    name: 'corp-oidc',
    strategy: 'oidc',
    display_name: 'Corporate',
    options: {
      client_id: 'public-client-id',
      client_secret: leak('client_secret option'),
      discovery_url: 'https://idp.acme.test/.well-known/openid-configuration',
      upstream: [{ Password: leak('nested password') }],
    },
    metadata: { owner: 'it' },
    realms: ['corp-oidc'],
    is_domain_connection: false,
  }),
  ConnectionSettingsChanged: event('ConnectionSettingsChanged', {
    tenant: 'acme',
    connection_id: 'con1',
    at: at(10),
    changes: { display_name: 'Corp', options: { scope: 'openid', api_key: leak('api_key') } },
  }),
  ConnectionRemoved: event('ConnectionRemoved', {
    tenant: 'acme',
    connection_id: 'con1',
    at: at(11),
    name: 'corp-oidc',
  }),
  ResourceServerCreated: event('ResourceServerCreated', {
    tenant: 'acme',
    resource_server_id: 'rs1',
    at: at(12),
    identifier: 'https://api.acme.test/',
    name: 'API',
    scopes: [],
    signing_alg: 'ES256',
    token_lifetime: 86400,
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: true,
    is_system: false,
  }),
  ResourceServerSettingsChanged: event('ResourceServerSettingsChanged', {
    tenant: 'acme',
    resource_server_id: 'rs1',
    at: at(13),
    changes: { name: 'API 2' },
  }),
  ResourceServerRemoved: event('ResourceServerRemoved', {
    tenant: 'acme',
    resource_server_id: 'rs1',
    at: at(14),
    identifier: 'https://api.acme.test/',
  }),
  ClientGrantCreated: event('ClientGrantCreated', {
    tenant: 'acme',
    client_grant_id: 'cgr1',
    at: at(15),
    client_id: 'app1',
    audience: 'https://api.acme.test/',
    scope: ['read:invoices'],
  }),
  ClientGrantScopeChanged: event('ClientGrantScopeChanged', {
    tenant: 'acme',
    client_grant_id: 'cgr1',
    at: at(16),
    scope: ['read:invoices', 'write:invoices'],
  }),
  ClientGrantRemoved: event('ClientGrantRemoved', {
    tenant: 'acme',
    client_grant_id: 'cgr1',
    at: at(17),
    client_id: 'app1',
    audience: 'https://api.acme.test/',
  }),
  LogStreamCreated: event('LogStreamCreated', {
    tenant: 'acme',
    id: 'lst1',
    at: at(18),
    type: 'http',
    name: 'SIEM',
    status: 'active',
    filters: [{ type: 'category', name: 'auth.login.fail' }],
    is_priority: false,
    sink: {
      httpEndpoint: 'https://siem.acme.test/ingest',
      httpContentFormat: 'JSONLINES',
      httpAuthorization: leak('httpAuthorization'),
    },
    sealed_secrets: leak('sealed_secrets'),
    start_from: at(0),
  }),
  LogStreamChanged: event('LogStreamChanged', {
    tenant: 'acme',
    id: 'lst1',
    at: at(19),
    changes: { status: 'paused', sink: { httpEndpoint: 'https://siem2.acme.test/ingest' } },
    sealed_secrets: leak('sealed_secrets 2'),
  }),
  LogStreamResumed: event('LogStreamResumed', { tenant: 'acme', id: 'lst1', at: at(20) }),
  LogStreamDeleted: event('LogStreamDeleted', { tenant: 'acme', id: 'lst1', at: at(21) }),
  InitialAccessTokenIssued: event('InitialAccessTokenIssued', {
    tenant: 'acme',
    id: 'iat1',
    at: at(22),
    token_hash: leak('token_hash'),
    expires_at: at(3600),
    count: 2,
  }),
  InitialAccessTokenUsed: event('InitialAccessTokenUsed', {
    tenant: 'acme',
    id: 'iat1',
    at: at(23),
    client_id: 'app1',
    remaining_count: 1,
  }),
  InitialAccessTokenRevoked: event('InitialAccessTokenRevoked', { tenant: 'acme', id: 'iat1', at: at(24) }),
};

/** The stream a registry event is stored in. */
export const registryStreamOf = (event: RegistryEvent): string =>
  event.type.startsWith('InitialAccessToken')
    ? initialAccessTokensStream(event.data.tenant)
    : streamOf(event as Parameters<typeof streamOf>[0]);

/** The event as the event store hands it over, at global `position`. */
export const recorded = (event: RegistryEvent, position = 1n): RecordedEvent => ({
  id: derivedUuid(['fixture', event.type, position.toString()]),
  streamId: registryStreamOf(event),
  type: event.type,
  data: event.data as unknown as Record<string, unknown>,
  metadata: {},
  revision: 0n,
  position,
  recordedAt: new Date(Date.UTC(2025, 5, 1)),
});

export const ALL_FIXTURES: RegistryEvent[] = Object.values(FIXTURES);
