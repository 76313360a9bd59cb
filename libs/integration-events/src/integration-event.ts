/**
 * The integration event contract: what event subscribers outside Roster see of the registry's domain events.
 *
 * Domain events are Roster's own storage format and change with it; integration events are a published, versioned
 * contract (schemas/README.md). The mapper copies fields by allow-list, never by removing known secrets, so a field
 * added to a domain event stays private until someone adds it here (and to the schema) on purpose.
 */
import type { RecordedEvent } from '@roster/event-store';
import {
  SECRET_OPTION_KEYS,
  derivedUuid,
  isPlainObject,
  type ApplicationEvent,
  type ClientGrantEvent,
  type ClientRegistration,
  type ClientSettings,
  type ConnectionEvent,
  type ConnectionSettings,
  type InitialAccessTokenEvent,
  type LogStreamEvent,
  type LogStreamSettings,
  type RegistrationExtras,
  type ResourceServerEvent,
  type TenantEvent,
} from '@roster/registry-domain';

/** Every event the registry's deciders emit. */
export type RegistryEvent =
  | TenantEvent
  | ApplicationEvent
  | ConnectionEvent
  | ResourceServerEvent
  | ClientGrantEvent
  | LogStreamEvent
  | InitialAccessTokenEvent;
export type RegistryEventType = RegistryEvent['type'];

/** The CloudEvents `type` of each published domain event. A breaking change publishes `.v2` on a `.v2` topic. */
export const INTEGRATION_EVENT_TYPES = {
  ApplicationRegistered: 'com.roster.application.registered.v1',
  ApplicationSettingsChanged: 'com.roster.application.settings_changed.v1',
  SecretRotated: 'com.roster.application.secret_rotated.v1',
  ConnectionsChanged: 'com.roster.application.connections_changed.v1',
  RegistrationChanged: 'com.roster.application.registration_changed.v1',
  ApplicationRemoved: 'com.roster.application.removed.v1',
  ConnectionCreated: 'com.roster.connection.created.v1',
  ConnectionSettingsChanged: 'com.roster.connection.changed.v1',
  ConnectionRemoved: 'com.roster.connection.removed.v1',
  ClientGrantCreated: 'com.roster.client_grant.created.v1',
  ClientGrantScopeChanged: 'com.roster.client_grant.scope_changed.v1',
  ClientGrantRemoved: 'com.roster.client_grant.removed.v1',
  LogStreamCreated: 'com.roster.log_stream.created.v1',
  LogStreamChanged: 'com.roster.log_stream.changed.v1',
  LogStreamResumed: 'com.roster.log_stream.resumed.v1',
  LogStreamDeleted: 'com.roster.log_stream.deleted.v1',
} as const satisfies Partial<Record<RegistryEventType, string>>;

type PublishedType = keyof typeof INTEGRATION_EVENT_TYPES;
export type IntegrationEventType = (typeof INTEGRATION_EVENT_TYPES)[PublishedType];

/**
 * Domain events that are not published, and why. Together with INTEGRATION_EVENT_TYPES it names every domain event
 * type: a new one fails to compile until it is put in one of the two.
 */
export const EXCLUDED_EVENT_TYPES = {
  TenantCreated: 'tenant settings are not part of contract v1',
  TenantSettingsChanged: 'tenant settings are not part of contract v1',
  SigningKeyRotated: 'signing keys are published by the JWKS endpoint; the event carries the sealed private key',
  ResourceServerCreated: 'resource servers are not part of contract v1 (adding them later is additive)',
  ResourceServerSettingsChanged: 'resource servers are not part of contract v1 (adding them later is additive)',
  ResourceServerRemoved: 'resource servers are not part of contract v1 (adding them later is additive)',
  InitialAccessTokenIssued: 'initial access tokens are credentials of the registration endpoint, not applications',
  InitialAccessTokenUsed: 'initial access tokens are credentials of the registration endpoint, not applications',
  InitialAccessTokenRevoked: 'initial access tokens are credentials of the registration endpoint, not applications',
} as const satisfies Record<Exclude<RegistryEventType, PublishedType>, string>;

/** A CloudEvents 1.0 event (the attributes Roster sets) with its tenant, before it is put into a Kafka message. */
export interface IntegrationEvent {
  /** Stable: derived from the domain event's stream and id, so a re-relayed event carries the same id. */
  id: string;
  type: IntegrationEventType;
  /** `/tenants/<tenant>`. */
  source: string;
  /** The resource within the tenant: `applications/<client_id>`, `connections/<id>`, ... */
  subject: string;
  /** When it happened (the domain event's `at`), RFC 3339 UTC. */
  time: string;
  tenant: string;
  /** The JSON value of the message, described by schemas/<type>.schema.json. */
  data: Record<string, unknown>;
}

/** Keys of `T` as an exhaustive table: adding a field to `T` fails to compile until it is listed (or left out). */
const fieldsOf = <T>(table: Record<keyof T, true>): readonly string[] => Object.keys(table);

const CLIENT_SETTINGS_FIELDS = fieldsOf<ClientSettings>({
  name: true,
  description: true,
  app_type: true,
  is_first_party: true,
  oidc_conformant: true,
  token_endpoint_auth_method: true,
  grant_types: true,
  callbacks: true,
  allowed_origins: true,
  web_origins: true,
  allowed_logout_urls: true,
  allowed_clients: true,
  client_aliases: true,
  initiate_login_uri: true,
  logo_uri: true,
  client_metadata: true,
  jwt_configuration: true,
  refresh_token: true,
  sso: true,
  sso_disabled: true,
  cross_origin_authentication: true,
  custom_login_page_on: true,
  is_token_endpoint_ip_header_trusted: true,
  organization_usage: true,
  organization_require_behavior: true,
  third_party_security_mode: true,
  require_pushed_authorization_requests: true,
});

const REGISTRATION_FIELDS = fieldsOf<RegistrationExtras>({
  response_types: true,
  client_uri: true,
  policy_uri: true,
  tos_uri: true,
  contacts: true,
  scope: true,
  software_id: true,
  software_version: true,
});

const CONNECTION_SETTINGS_FIELDS = fieldsOf<ConnectionSettings>({
  display_name: true,
  options: true,
  metadata: true,
  realms: true,
  is_domain_connection: true,
});

/** The sink is left out whole: its public fields (endpoints, hosts) say where a tenant's logs go. */
const LOG_STREAM_SETTINGS_FIELDS = fieldsOf<Omit<LogStreamSettings, 'sink'>>({
  name: true,
  status: true,
  filters: true,
  is_priority: true,
});

/** Exported for the schema test: the documented fields must be exactly these. */
export const PUBLISHED_FIELDS = {
  clientSettings: CLIENT_SETTINGS_FIELDS,
  registration: REGISTRATION_FIELDS,
  connectionSettings: CONNECTION_SETTINGS_FIELDS,
  logStreamSettings: LOG_STREAM_SETTINGS_FIELDS,
} as const;

/** The listed fields that are present (null kept: in `changes` it means "removed"). */
const pick = (source: object, fields: readonly string[]): Record<string, unknown> => {
  const record = source as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => record[f] !== undefined).map((f) => [f, record[f]]));
};

const SECRET_OPTIONS = new Set<string>(SECRET_OPTION_KEYS);

/**
 * Strategy options without credentials at any depth. The domain refuses them already; this keeps a stored event
 * from before that rule (or a rule with a gap) from publishing one.
 */
const publicOptions = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(publicOptions);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SECRET_OPTIONS.has(key.toLowerCase()))
      .map(([key, child]) => [key, publicOptions(child)]),
  );
};

const connectionSettings = (source: object): Record<string, unknown> => {
  const picked = pick(source, CONNECTION_SETTINGS_FIELDS);
  return 'options' in picked ? { ...picked, options: publicOptions(picked.options) } : picked;
};

const registrationOf = (registration: ClientRegistration) => ({
  metadata: pick(registration.metadata, REGISTRATION_FIELDS),
});

type Published = Extract<RegistryEvent, { type: PublishedType }>;

/** The resource an event is about, as a path within its tenant, and the ids every event of that resource carries. */
const application = ({ tenant, client_id, at }: ApplicationEvent['data']) => ({
  subject: `applications/${client_id}`,
  ids: { tenant, client_id, at },
});
const connection = ({ tenant, connection_id, at }: ConnectionEvent['data']) => ({
  subject: `connections/${connection_id}`,
  ids: { tenant, connection_id, at },
});
const clientGrant = ({ tenant, client_grant_id, at }: ClientGrantEvent['data']) => ({
  subject: `client-grants/${client_grant_id}`,
  ids: { tenant, client_grant_id, at },
});
const logStream = ({ tenant, id, at }: LogStreamEvent['data']) => ({
  subject: `log-streams/${id}`,
  ids: { tenant, log_stream_id: id, at },
});

/** The subject and the data of a published event. */
const contentOf = (event: Published): { subject: string; data: Record<string, unknown> } => {
  switch (event.type) {
    case 'ApplicationRegistered': {
      const { subject, ids } = application(event.data);
      const d = event.data;
      const registration = d.registration ? { registration: registrationOf(d.registration) } : {};
      const settings = pick(d.settings, CLIENT_SETTINGS_FIELDS);
      return {
        subject,
        data: { ...ids, origin: d.origin, settings, enabled_connections: d.enabled_connections, ...registration },
      };
    }
    case 'ApplicationSettingsChanged': {
      const { subject, ids } = application(event.data);
      return { subject, data: { ...ids, changes: pick(event.data.changes, CLIENT_SETTINGS_FIELDS) } };
    }
    case 'SecretRotated': {
      // That it rotated, and how long the old secret still works: never a hash of either.
      const { subject, ids } = application(event.data);
      return { subject, data: { ...ids, previous_secret_valid_until: event.data.previous_secret_valid_until } };
    }
    case 'ConnectionsChanged': {
      const { subject, ids } = application(event.data);
      const { enabled_connections, added, removed } = event.data;
      return { subject, data: { ...ids, enabled_connections, added, removed } };
    }
    case 'RegistrationChanged': {
      // The new RFC 7591 metadata; the registration access token rotated too, but its hash stays inside.
      const { subject, ids } = application(event.data);
      return { subject, data: { ...ids, registration: registrationOf(event.data) } };
    }
    case 'ApplicationRemoved': {
      const { subject, ids } = application(event.data);
      return { subject, data: ids };
    }
    case 'ConnectionCreated': {
      const { subject, ids } = connection(event.data);
      const { name, strategy } = event.data;
      return { subject, data: { ...ids, name, strategy, ...connectionSettings(event.data) } };
    }
    case 'ConnectionSettingsChanged': {
      const { subject, ids } = connection(event.data);
      return { subject, data: { ...ids, changes: connectionSettings(event.data.changes) } };
    }
    case 'ConnectionRemoved': {
      const { subject, ids } = connection(event.data);
      return { subject, data: { ...ids, name: event.data.name } };
    }
    case 'ClientGrantCreated': {
      const { subject, ids } = clientGrant(event.data);
      const { client_id, audience, scope } = event.data;
      return { subject, data: { ...ids, client_id, audience, scope } };
    }
    case 'ClientGrantScopeChanged': {
      const { subject, ids } = clientGrant(event.data);
      return { subject, data: { ...ids, scope: event.data.scope } };
    }
    case 'ClientGrantRemoved': {
      const { subject, ids } = clientGrant(event.data);
      const { client_id, audience } = event.data;
      return { subject, data: { ...ids, client_id, audience } };
    }
    case 'LogStreamCreated': {
      const { subject, ids } = logStream(event.data);
      const { type, start_from } = event.data;
      const startFrom = start_from !== undefined ? { start_from } : {};
      return { subject, data: { ...ids, type, ...pick(event.data, LOG_STREAM_SETTINGS_FIELDS), ...startFrom } };
    }
    case 'LogStreamChanged': {
      const { subject, ids } = logStream(event.data);
      const { changes, sealed_secrets } = event.data;
      // Only that the sink changed (its public fields or its secrets), not what it now is.
      const sinkChanged = changes.sink !== undefined || sealed_secrets !== undefined;
      return {
        subject,
        data: { ...ids, changes: pick(changes, LOG_STREAM_SETTINGS_FIELDS), sink_changed: sinkChanged },
      };
    }
    case 'LogStreamResumed':
    case 'LogStreamDeleted': {
      const { subject, ids } = logStream(event.data);
      return { subject, data: ids };
    }
  }
};

const isPublished = (type: string): type is PublishedType => Object.hasOwn(INTEGRATION_EVENT_TYPES, type);

/**
 * The integration event of a recorded domain event, or null when the contract does not publish its type (excluded
 * or not a registry event at all). Pure: the same recorded event always gives the same integration event.
 */
export const integrationEventOf = (
  recorded: Pick<RecordedEvent, 'id' | 'streamId' | 'type' | 'data' | 'recordedAt'>,
): IntegrationEvent | null => {
  if (!isPublished(recorded.type)) return null;
  const event = { type: recorded.type, data: recorded.data } as Published;
  const { subject, data } = contentOf(event);
  const tenant = event.data.tenant;
  return {
    id: derivedUuid(['roster.integration-event', recorded.streamId, recorded.id]),
    type: INTEGRATION_EVENT_TYPES[recorded.type],
    source: `/tenants/${tenant}`,
    subject,
    time: typeof data.at === 'string' ? data.at : recorded.recordedAt.toISOString(),
    tenant,
    data,
  };
};
