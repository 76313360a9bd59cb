import { isRosterError } from '@roster/errors';
import { LOG_EVENT_RECORDED } from '@roster/logs';
import { SECRET_SINK_FIELDS } from '@roster/log-sinks';
import {
  APPLICATION_EVENT_TYPES,
  CLIENT_GRANT_EVENT_TYPES,
  CONNECTION_EVENT_TYPES,
  LOG_STREAM_EVENT_TYPES,
  RESOURCE_SERVER_EVENT_TYPES,
  SECRET_OPTION_KEYS,
  TENANT_EVENT_TYPES,
} from '@roster/registry-domain';
import { ALL_FIXTURES, FIXTURES, LEAK, recorded } from './integration-events.fixtures';
import {
  EXCLUDED_EVENT_TYPES,
  INTEGRATION_EVENT_TYPES,
  integrationEventOf,
  type IntegrationEvent,
  type RegistryEvent,
} from './integration-event';
import {
  decodeIntegrationEventMessage,
  encodeIntegrationEventMessage,
  INTEGRATION_EVENTS_TOPIC,
  type IntegrationEventMessage,
  type ReceivedIntegrationEventMessage,
} from './kafka-message';
import { integrationRelayRoute } from './kafka-integration-relay';

const mapped = (event: RegistryEvent, position = 1n): IntegrationEvent => {
  const result = integrationEventOf(recorded(event, position));
  if (!result) throw new Error(`${event.type} is not published`);
  return result;
};

const published = ALL_FIXTURES.filter((e) => Object.hasOwn(INTEGRATION_EVENT_TYPES, e.type));

describe('which domain events are published', () => {
  it('names every domain event type once: published or excluded with a reason', () => {
    const domainTypes = [
      ...TENANT_EVENT_TYPES,
      ...APPLICATION_EVENT_TYPES,
      ...CONNECTION_EVENT_TYPES,
      ...RESOURCE_SERVER_EVENT_TYPES,
      ...CLIENT_GRANT_EVENT_TYPES,
      ...LOG_STREAM_EVENT_TYPES,
    ];
    const publishedTypes = Object.keys(INTEGRATION_EVENT_TYPES);
    const excludedTypes = Object.keys(EXCLUDED_EVENT_TYPES);
    for (const type of domainTypes)
      expect([type, publishedTypes.includes(type) !== excludedTypes.includes(type)]).toEqual([type, true]);
    expect([...publishedTypes, ...excludedTypes].sort()).toEqual(Object.keys(FIXTURES).sort());
    for (const reason of Object.values(EXCLUDED_EVENT_TYPES)) expect(reason.length).toBeGreaterThan(10);
  });

  it('publishes the application, connection, client grant and log stream events, under distinct versioned types', () => {
    const types = Object.values(INTEGRATION_EVENT_TYPES);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types)
      expect(type).toMatch(/^com\.roster\.(application|connection|client_grant|log_stream)\.[a-z_]+\.v1$/);
    expect(INTEGRATION_EVENT_TYPES.ApplicationRegistered).toBe('com.roster.application.registered.v1');
    expect(INTEGRATION_EVENTS_TOPIC).toBe('roster.integration-events.v1');
  });

  it('maps nothing else: excluded types, log events and unknown types give null', () => {
    for (const type of Object.keys(EXCLUDED_EVENT_TYPES))
      expect(integrationEventOf(recorded(FIXTURES[type as keyof typeof EXCLUDED_EVENT_TYPES]))).toBeNull();
    const base = recorded(FIXTURES.ApplicationRemoved);
    expect(integrationEventOf({ ...base, type: LOG_EVENT_RECORDED })).toBeNull();
    expect(integrationEventOf({ ...base, type: 'toString' })).toBeNull();
  });

  it('subscribes the relay to exactly the published types', () => {
    expect([...(integrationRelayRoute.filter.eventTypes ?? [])].sort()).toEqual(
      Object.keys(INTEGRATION_EVENT_TYPES).sort(),
    );
    for (const event of published) {
      const streamId = recorded(event).streamId;
      expect(integrationRelayRoute.filter.streamPrefixes?.some((p) => streamId.startsWith(p))).toBe(true);
    }
  });
});

describe('the CloudEvents attributes', () => {
  it.each(published.map((e) => [e.type, e] as const))('%s: source, subject, time and type', (_, event) => {
    const result = mapped(event);
    const data = event.data as { at: string };
    expect(result).toMatchObject({
      type: INTEGRATION_EVENT_TYPES[event.type as keyof typeof INTEGRATION_EVENT_TYPES],
      source: '/tenants/acme',
      tenant: 'acme',
      time: data.at,
    });
    expect(result.subject).toMatch(/^(applications|connections|client-grants|log-streams)\/[^/]+$/);
    expect(result.data).toMatchObject({ tenant: 'acme', at: data.at });
  });

  it('names the resource in the subject', () => {
    expect(mapped(FIXTURES.SecretRotated).subject).toBe('applications/app1');
    expect(mapped(FIXTURES.ConnectionRemoved).subject).toBe('connections/con1');
    expect(mapped(FIXTURES.ClientGrantScopeChanged).subject).toBe('client-grants/cgr1');
    expect(mapped(FIXTURES.LogStreamDeleted).subject).toBe('log-streams/lst1');
  });

  it('derives the id from the stored event: the same event always gets the same id, another event another one', () => {
    const event = recorded(FIXTURES.ApplicationRegistered, 7n);
    const id = integrationEventOf(event)!.id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // A re-relay reads the event again, at the same position or (after a store migration) another one.
    expect(integrationEventOf({ ...event })!.id).toBe(id);
    expect(integrationEventOf({ ...event, recordedAt: new Date() })!.id).toBe(id);
    expect(integrationEventOf(recorded(FIXTURES.ApplicationRegistered, 8n))!.id).not.toBe(id);
    expect(integrationEventOf({ ...event, streamId: 'application-globex:app1' })!.id).not.toBe(id);
    const ids = published.map((e, i) => mapped(e, BigInt(i)).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes the time from when the event was recorded if it has no at', () => {
    const event = recorded(FIXTURES.ApplicationRemoved);
    const { at: _at, ...data } = event.data;
    expect(integrationEventOf({ ...event, data })!.time).toBe(event.recordedAt.toISOString());
  });
});

describe('the data', () => {
  it('application.registered: the settings and registration metadata, no secret hash, no token hash', () => {
    const { data } = mapped(FIXTURES.ApplicationRegistered);
    const { settings } = FIXTURES.ApplicationRegistered.data;
    expect(data).toEqual({
      tenant: 'acme',
      client_id: 'app1',
      at: FIXTURES.ApplicationRegistered.data.at,
      origin: 'dynamic_registration',
      settings,
      enabled_connections: ['con1'],
      registration: {
        metadata: {
          response_types: ['code'],
          client_uri: 'https://app.acme.test',
          policy_uri: 'https://app.acme.test/policy',
          tos_uri: 'https://app.acme.test/tos',
          contacts: ['ops@acme.test'],
          scope: 'openid profile',
          software_id: 'acme-cli',
          software_version: '1.2.3',
        },
      },
    });
  });

  it('application.registered of a Management API application has no registration', () => {
    const { registration: _r, ...rest } = FIXTURES.ApplicationRegistered.data;
    const event = { ...FIXTURES.ApplicationRegistered, data: { ...rest, origin: 'management_api' as const } };
    expect(mapped(event).data).not.toHaveProperty('registration');
  });

  it('application.settings_changed: the changed settings only, null for a removed field', () => {
    expect(mapped(FIXTURES.ApplicationSettingsChanged).data.changes).toEqual({ name: 'Billing v2', logo_uri: null });
  });

  it('application.secret_rotated: that it rotated and until when the previous secret works', () => {
    const { tenant, client_id, at, previous_secret_valid_until } = FIXTURES.SecretRotated.data;
    expect(mapped(FIXTURES.SecretRotated).data).toEqual({ tenant, client_id, at, previous_secret_valid_until });
  });

  it('connection.created and changed: options without credentials, at any depth and in any case', () => {
    expect(mapped(FIXTURES.ConnectionCreated).data).toEqual({
      tenant: 'acme',
      connection_id: 'con1',
      at: FIXTURES.ConnectionCreated.data.at,
      name: 'corp-oidc',
      strategy: 'oidc',
      display_name: 'Corporate',
      options: {
        client_id: 'public-client-id',
        discovery_url: 'https://idp.acme.test/.well-known/openid-configuration',
        upstream: [{}],
      },
      metadata: { owner: 'it' },
      realms: ['corp-oidc'],
      is_domain_connection: false,
    });
    expect(mapped(FIXTURES.ConnectionSettingsChanged).data.changes).toEqual({
      display_name: 'Corp',
      options: { scope: 'openid' },
    });
  });

  it('log_stream.created: the settings and sink type, no sink', () => {
    const { data } = mapped(FIXTURES.LogStreamCreated);
    expect(data).toEqual({
      tenant: 'acme',
      log_stream_id: 'lst1',
      at: FIXTURES.LogStreamCreated.data.at,
      type: 'http',
      name: 'SIEM',
      status: 'active',
      filters: [{ type: 'category', name: 'auth.login.fail' }],
      is_priority: false,
      start_from: FIXTURES.LogStreamCreated.data.start_from,
    });
  });

  it('log_stream.changed: the changed settings and whether the sink changed, not the sink', () => {
    expect(mapped(FIXTURES.LogStreamChanged).data).toMatchObject({ changes: { status: 'paused' }, sink_changed: true });
    const secretsOnly = { ...FIXTURES.LogStreamChanged, data: { ...FIXTURES.LogStreamChanged.data, changes: {} } };
    expect(mapped(secretsOnly).data).toMatchObject({ changes: {}, sink_changed: true });
    const { sealed_secrets: _s, ...unsealed } = FIXTURES.LogStreamChanged.data;
    const renamed = { ...FIXTURES.LogStreamChanged, data: { ...unsealed, changes: { name: 'SIEM 2' } } };
    expect(mapped(renamed).data).toMatchObject({ changes: { name: 'SIEM 2' }, sink_changed: false });
  });

  it('client grants: client, audience and scope as recorded', () => {
    expect(mapped(FIXTURES.ClientGrantCreated).data).toEqual({
      tenant: 'acme',
      client_grant_id: 'cgr1',
      at: FIXTURES.ClientGrantCreated.data.at,
      client_id: 'app1',
      audience: 'https://api.acme.test/',
      scope: ['read:invoices'],
    });
  });
});

/** Every field name in a JSON value, at any depth. */
const fieldNames = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(fieldNames)
    : typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, child]) => [key, ...fieldNames(child)])
      : [];

describe('no secrets', () => {
  const messages: [string, IntegrationEventMessage][] = published.map((e) => [
    e.type,
    encodeIntegrationEventMessage(mapped(e)),
  ]);

  it('the fixtures do hold secrets (else the tests below prove nothing)', () => {
    const holding = ALL_FIXTURES.filter((e) => JSON.stringify(e.data).includes(LEAK)).map((e) => e.type);
    expect(holding).toEqual(
      expect.arrayContaining([
        'ApplicationRegistered',
        'ApplicationSettingsChanged',
        'SecretRotated',
        'RegistrationChanged',
        'ConnectionCreated',
        'ConnectionSettingsChanged',
        'LogStreamCreated',
        'LogStreamChanged',
      ]),
    );
  });

  it.each(messages)('%s: no secret value in key, value or headers', (_, message) => {
    expect(JSON.stringify(message)).not.toContain(LEAK);
  });

  it.each(messages)('%s: no secret-bearing field', (_, message) => {
    const forbidden = new Set([
      'secret_hash',
      'previous_secret_hash',
      'access_token_hash',
      'registration_access_token',
      'token_hash',
      'sealed_secrets',
      'sealed_private_key',
      'client_secret',
      'sink',
      ...SECRET_OPTION_KEYS,
      ...Object.values(SECRET_SINK_FIELDS).flat(),
    ]);
    const names = [...fieldNames(JSON.parse(message.value)), ...Object.keys(message.headers)];
    expect(names.filter((name) => forbidden.has(name.toLowerCase()))).toEqual([]);
  });

  it('every field whose name speaks of a secret, token, hash or key was reviewed and is public', () => {
    const reviewed = new Set([
      'token_endpoint_auth_method', // the method, not a credential
      'is_token_endpoint_ip_header_trusted',
      'refresh_token', // refresh token settings (lifetimes, rotation)
      'token_lifetime',
      'infinite_token_lifetime',
      'idle_token_lifetime',
      'infinite_idle_token_lifetime',
      'secret_encoded', // a flag: whether an HS256 secret is base64
      'previous_secret_valid_until',
      'require_pushed_authorization_requests', // PAR required: a flag
    ]);
    const suspicious = messages
      .flatMap(([, m]) => fieldNames(JSON.parse(m.value)))
      .filter((name) => /secret|token|passw|hash|key|seal|authoriz|credential/i.test(name));
    expect([...new Set(suspicious)].filter((name) => !reviewed.has(name))).toEqual([]);
  });
});

describe('the Kafka message (CloudEvents binary mode)', () => {
  const event = mapped(FIXTURES.ApplicationRegistered);

  /** A message as kafkajs hands it over: key, value and header values as Buffers. */
  const asReceived = (message: IntegrationEventMessage): ReceivedIntegrationEventMessage => ({
    key: Buffer.from(message.key),
    value: Buffer.from(message.value),
    headers: Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, Buffer.from(v)])),
  });

  it('keys by tenant and resource, carries the data as JSON and the attributes as ce_ headers', () => {
    const message = encodeIntegrationEventMessage(event);
    expect(message.key).toBe('acme/applications/app1');
    expect(JSON.parse(message.value)).toEqual(event.data);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: 'com.roster.application.registered.v1',
      ce_source: '/tenants/acme',
      ce_subject: 'applications/app1',
      ce_time: FIXTURES.ApplicationRegistered.data.at,
      'content-type': 'application/json',
    });
  });

  it('decodes what it encodes, from Buffers as from strings', () => {
    const message = encodeIntegrationEventMessage(event);
    expect(decodeIntegrationEventMessage(asReceived(message))).toEqual(event);
    expect(decodeIntegrationEventMessage(message)).toEqual(event);
  });

  const decodeError = (message: ReceivedIntegrationEventMessage): string => {
    try {
      decodeIntegrationEventMessage(message);
    } catch (error) {
      if (isRosterError(error) && error.code === 'invalid_integration_event_message') return error.message;
      throw error;
    }
    throw new Error('decoded');
  };

  it.each<[string, (m: IntegrationEventMessage) => ReceivedIntegrationEventMessage, RegExp]>([
    ['another spec version', (m) => ({ ...m, headers: { ...m.headers, ce_specversion: '0.3' } }), /specversion/],
    ['no id', (m) => ({ ...m, headers: { ...m.headers, ce_id: '' } }), /ce_id/],
    [
      'a type of another version',
      (m) => ({ ...m, headers: { ...m.headers, ce_type: 'com.roster.application.registered.v2' } }),
      /ce_type/,
    ],
    ['a source that is no tenant', (m) => ({ ...m, headers: { ...m.headers, ce_source: '/apps/acme' } }), /ce_source/],
    ['a key of another resource', (m) => ({ ...m, key: 'acme/applications/app2' }), /key/],
    ['a value that is not JSON', (m) => ({ ...m, value: '{' }), /JSON/],
    ['a null value (tombstone)', (m) => ({ ...m, value: null }), /JSON/],
    ['a value that is an array', (m) => ({ ...m, value: '[]' }), /object/],
  ])('refuses a message with %s', (_, spoil, reason) => {
    expect(decodeError(spoil(encodeIntegrationEventMessage(event)))).toMatch(reason);
  });
});
