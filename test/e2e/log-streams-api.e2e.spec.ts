import { LogStreamsReader, sinkSecretsOpener } from '@roster/read-models';
import { createSecretCrypto, generateSecretsKey, parseSecretsKey } from '@roster/security';
import type { LogEvent } from '@roster/logs';
import { fetchToken, managementClient } from '../support/roster-instance';
import type { ManagementClient } from '../support/roster-instance';
import { storedText } from '../support/stored-text';
import { createClient, expectManagementError, managementSession, useAllInOne } from './support-http';

/**
 * Log streams through the Management API: every sink type, secrets that never come back (masked on every answer,
 * sealed in the store, redacted in the log), Auth0's validation errors, scopes, tenants, and the exporter's health
 * (written straight into its table here, as the exporter would).
 */
const SPLUNK_TOKEN = 'e2e-splunk-hec-token-SECRET-1111';
const SPLUNK_ROTATED = 'e2e-splunk-rotated-SECRET-5555';
const SUMO_ADDRESS = 'https://endpoint1.collection.sumologic.com/receiver/v1/http/ZaVnC4dhaV3-SECRET-sumo-6666';
const HTTP_AUTHORIZATION = 'Bearer e2e-http-SECRET-authz-2222';
const HTTP_HEADER_VALUE = 'e2e-header-SECRET-3333';
const LOGGLY_TOKEN = 'e2eLogglySECRETtoken4444';
/** Every secret above contains it; a mask shows at most the last 4 characters. */
const MARK = 'SECRET';

const bodies = {
  splunk: {
    name: 'Splunk SIEM',
    type: 'splunk',
    filters: [{ type: 'category', name: 'auth.login.fail' }],
    sink: { splunkDomain: 'splunk.acme.test', splunkPort: '8088', splunkToken: SPLUNK_TOKEN, splunkSecure: true },
  },
  sumo: { name: 'Sumo', type: 'sumo', sink: { sumoSourceAddress: SUMO_ADDRESS } },
  http: {
    name: 'Webhook',
    type: 'http',
    isPriority: true,
    sink: {
      httpEndpoint: 'https://hooks.acme.test/logs',
      httpContentFormat: 'JSONLINES',
      httpAuthorization: HTTP_AUTHORIZATION,
      httpCustomHeaders: [{ header: 'X-Api-Key', value: HTTP_HEADER_VALUE }],
    },
  },
  loggly: { name: 'Loggly', type: 'loggly', sink: { logglyToken: LOGGLY_TOKEN, logglyTags: ['roster'] } },
} as const;

const healthShape = {
  delivered: expect.any(Number),
  last_delivery: null,
  lag: expect.any(Number),
  errors: [],
};

describe('log streams API', () => {
  const secretsKey = generateSecretsKey();
  const { roster, admin } = useAllInOne({ SECRETS_KEY: secretsKey });
  /** Every answer body, to search for secrets at the end. */
  const answers: string[] = [];
  const ids: Record<keyof typeof bodies, string> = { splunk: '', sumo: '', http: '', loggly: '' };

  const call = async <T extends { body?: unknown }>(response: Promise<T>): Promise<T> => {
    const done = await response;
    answers.push(JSON.stringify(done.body ?? null));
    return done;
  };
  const api = () => ({
    get: (route: string) => call(admin.api.get(route)),
    post: (route: string, body: unknown) => call(admin.api.post(route, body)),
    patch: (route: string, body: unknown) => call(admin.api.patch(route, body)),
    delete: (route: string) => call(admin.api.delete(route)),
  });
  const revisionOf = async (id: string): Promise<number> =>
    (
      await roster.storage.readModels.query<{ revision: number }>(
        'SELECT revision FROM rm_log_streams_v1 WHERE id = $1',
        [id],
      )
    ).rows[0].revision;

  it('creates a stream of each type and answers 201 with the sink secrets masked', async () => {
    const expected = {
      splunk: { splunkDomain: 'splunk.acme.test', splunkPort: '8088', splunkToken: '****1111', splunkSecure: true },
      sumo: { sumoSourceAddress: 'https://endpoint1.collection.sumologic.com/****' },
      http: {
        httpEndpoint: 'https://hooks.acme.test/logs',
        httpContentFormat: 'JSONLINES',
        httpAuthorization: '****2222',
        httpCustomHeaders: [{ header: 'X-Api-Key', value: '****3333' }],
      },
      loggly: { logglyToken: '****4444', logglyTags: ['roster'] },
    };
    for (const type of ['splunk', 'sumo', 'http', 'loggly'] as const) {
      const created = await api().post('log-streams', bodies[type]);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^lst_[A-Za-z0-9]{16}$/),
        name: bodies[type].name,
        type,
        status: 'active',
        filters: 'filters' in bodies[type] ? bodies[type].filters : [],
        ...(type === 'http' ? { isPriority: true } : {}),
        sink: expected[type],
        health: healthShape,
      });
      ids[type] = created.body.id;
    }
  });

  it('lists them as a bare array, oldest first, and gets one', async () => {
    const list = await api().get('log-streams');
    expect(list.status).toBe(200);
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([ids.splunk, ids.sumo, ids.http, ids.loggly]);
    const one = await api().get(`log-streams/${ids.sumo}`);
    expect(one.status).toBe(200);
    // Health moves on between the two reads (each call is itself logged, so lag grows): compare the rest.
    const withoutHealth = ({ health: _health, ...stream }: Record<string, unknown>) => stream;
    expect(withoutHealth(one.body)).toEqual(withoutHealth(list.body[1]));
  });

  it('renames, changes filters, pauses and resumes', async () => {
    const renamed = await api().patch(`log-streams/${ids.splunk}`, {
      name: 'Splunk prod',
      filters: [
        { type: 'category', name: 'auth.login.fail' },
        { type: 'category', name: 'management.success' },
      ],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Splunk prod',
      filters: [
        { type: 'category', name: 'auth.login.fail' },
        { type: 'category', name: 'management.success' },
      ],
      sink: { splunkToken: '****1111' },
    });
    const paused = await api().patch(`log-streams/${ids.splunk}`, { status: 'paused' });
    expect(paused.body.status).toBe('paused');
    expect((await api().get(`log-streams/${ids.splunk}`)).body.status).toBe('paused');
    const resumed = await api().patch(`log-streams/${ids.splunk}`, { status: 'active' });
    expect(resumed.body.status).toBe('active');
    expect(await revisionOf(ids.splunk)).toBe(4);
    // Nothing changes: no event, same revision.
    expect((await api().patch(`log-streams/${ids.splunk}`, { status: 'active', type: 'splunk' })).status).toBe(200);
    expect(await revisionOf(ids.splunk)).toBe(4);
  });

  it('rotates a sink secret; the exporter gets the new one, the API only its mask', async () => {
    const rotated = await api().patch(`log-streams/${ids.splunk}`, { sink: { splunkToken: SPLUNK_ROTATED } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.sink).toEqual({
      splunkDomain: 'splunk.acme.test',
      splunkPort: '8088',
      splunkToken: '****5555',
      splunkSecure: true,
    });
    expect(await revisionOf(ids.splunk)).toBe(5);
    const removed = await api().patch(`log-streams/${ids.http}`, { sink: { httpAuthorization: null } });
    expect(removed.status).toBe(200);
    expect(removed.body.sink).not.toHaveProperty('httpAuthorization');

    const box = createSecretCrypto(parseSecretsKey(secretsKey)).box;
    const definitions = await new LogStreamsReader(roster.storage.readModels, sinkSecretsOpener(box)).definitions();
    const splunk = definitions.find((d) => d.id === ids.splunk)!;
    expect(splunk).toMatchObject({ tenant: 'default', status: 'active', revision: 5, name: 'Splunk prod' });
    expect(splunk.sink).toEqual({ ...bodies.splunk.sink, splunkToken: SPLUNK_ROTATED });
    expect(definitions.find((d) => d.id === ids.http)!.sink).toEqual({
      httpEndpoint: 'https://hooks.acme.test/logs',
      httpContentFormat: 'JSONLINES',
      httpCustomHeaders: [{ header: 'X-Api-Key', value: HTTP_HEADER_VALUE }],
    });
  });

  it.each([
    ['an unknown type', { ...bodies.sumo, type: 'eventbridge' }, /No enum match for: "eventbridge"' on property type/],
    [
      'an unknown category',
      { ...bodies.sumo, filters: [{ type: 'category', name: 'auth.nope' }] },
      /No enum match for: "auth.nope"' on property filters\[0\]\.name/,
    ],
    [
      'an http endpoint that is not https',
      { ...bodies.http, sink: { ...bodies.http.sink, httpEndpoint: 'http://hooks.acme.test/logs' } },
      /URL must use https .*on property sink\.httpEndpoint/,
    ],
    [
      'a missing required sink field',
      { ...bodies.splunk, sink: { splunkDomain: 'splunk.acme.test', splunkSecure: true } },
      /Missing required property: splunkToken' on property sink/,
    ],
    ['an unknown field', { ...bodies.sumo, pii_config: {} }, /Additional properties not allowed: pii_config/],
    ['a configured suspension', { ...bodies.sumo, status: 'suspended' }, /No enum match for: "suspended"/],
  ])('refuses %s with 400 invalid_body', async (_label, body, message) => {
    const refused = await api().post('log-streams', body);
    expectManagementError(refused, 400, 'invalid_body');
    expect(refused.body.message).toMatch(message);
  });

  it('refuses a type change and leaves the stream as it was', async () => {
    const refused = await api().patch(`log-streams/${ids.sumo}`, { type: 'http' });
    expectManagementError(refused, 400, 'invalid_body');
    expect(refused.body.message).toMatch(/cannot be changed after creation' on property type/);
    expect((await api().get(`log-streams/${ids.sumo}`)).body.type).toBe('sumo');
  });

  it("reports the exporter's health: suspended until resumed, errors, lag and dead letters", async () => {
    const db = roster.storage.readModels;
    const revision = await revisionOf(ids.sumo);
    // The exporter in the process may have opened the stream's health row already: this takes its place either way.
    await db.query(
      `INSERT INTO log_stream_health (stream_id, tenant, delivered, last_delivery_at, last_position, failing_since,
         suspended_revision, errors, updated_at)
       VALUES ($1, 'default', 42, '2026-01-01T00:00:00Z', 9000000000000000, '2026-01-01T00:00:00Z', $2, $3::jsonb, now())
       ON CONFLICT (stream_id) DO UPDATE SET delivered = excluded.delivered, last_delivery_at = excluded.last_delivery_at,
         last_position = excluded.last_position, failing_since = excluded.failing_since,
         suspended_revision = excluded.suspended_revision, errors = excluded.errors, updated_at = excluded.updated_at`,
      [ids.sumo, revision, JSON.stringify([{ at: '2026-01-01T00:05:00Z', message: 'Sumo answered 503' }])],
    );
    const suspended = await api().get(`log-streams/${ids.sumo}`);
    expect(suspended.body).toMatchObject({
      status: 'suspended',
      health: {
        delivered: 42,
        last_delivery: '2026-01-01T00:00:00.000Z',
        lag: 0,
        errors: [{ at: '2026-01-01T00:05:00.000Z', message: 'Sumo answered 503' }],
      },
    });
    expect((await api().get('log-streams')).body[1].status).toBe('suspended');

    const resumed = await api().patch(`log-streams/${ids.sumo}`, { status: 'active' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('active');
    expect(await revisionOf(ids.sumo)).toBe(revision + 1);

    // A stream nothing was delivered to yet lags by the tenant's log events since its creation.
    expect((await api().get(`log-streams/${ids.loggly}`)).body.health.lag).toBeGreaterThan(0);

    await db.query(
      `INSERT INTO log_stream_dead_letters (stream_id, log_id, tenant, reason, event, at) VALUES
         ($1, 'log-1', 'default', 'rejected (400)', '{"type":"sapi"}'::jsonb, '2026-01-01T00:01:00Z'),
         ($1, 'log-2', 'default', 'rejected (413)', '{"type":"s"}'::jsonb, '2026-01-01T00:02:00Z')`,
      [ids.sumo],
    );
    const letters = await api().get(`log-streams/${ids.sumo}/dead-letters`);
    expect(letters.status).toBe(200);
    expect(letters.body).toEqual([
      { log_id: 'log-2', reason: 'rejected (413)', at: '2026-01-01T00:02:00.000Z', event: { type: 's' } },
      { log_id: 'log-1', reason: 'rejected (400)', at: '2026-01-01T00:01:00.000Z', event: { type: 'sapi' } },
    ]);
  });

  it('enforces the log_streams scopes', async () => {
    const auditor = await createClient(admin.api, { name: 'Stream auditor', app_type: 'non_interactive' });
    const grant = await admin.api.post('client-grants', {
      client_id: auditor.client_id,
      audience: roster.bootstrap.audience,
      scope: ['read:log_streams', 'read:clients'],
    });
    expect(grant.status).toBe(201);
    const reader = (await managementSession(roster, auditor)).api;
    expect((await reader.get('log-streams')).status).toBe(200);
    expect((await reader.get(`log-streams/${ids.sumo}/dead-letters`)).status).toBe(200);
    expectManagementError(await reader.post('log-streams', bodies.sumo), 403, 'insufficient_scope');
    expectManagementError(await reader.patch(`log-streams/${ids.sumo}`, { name: 'x' }), 403, 'insufficient_scope');
    expectManagementError(await reader.delete(`log-streams/${ids.sumo}`), 403, 'insufficient_scope');

    const clientsOnly = await createClient(admin.api, { name: 'Clients reader', app_type: 'non_interactive' });
    await admin.api.post('client-grants', {
      client_id: clientsOnly.client_id,
      audience: roster.bootstrap.audience,
      scope: ['read:clients'],
    });
    const other = (await managementSession(roster, clientsOnly)).api;
    expectManagementError(await other.get('log-streams'), 403, 'insufficient_scope');
    expectManagementError(await other.get(`log-streams/${ids.sumo}`), 403, 'insufficient_scope');
  });

  it("keeps tenants apart: another tenant neither sees nor changes default's streams", async () => {
    const tenant = await admin.api.post('tenants', { name: 'streams-elsewhere' });
    expect(tenant.status).toBe(201);
    const { token_endpoint, client_id, client_secret, audience } = tenant.body;
    const elsewhere: ManagementClient = managementClient(
      roster.tenantBase('streams-elsewhere'),
      await fetchToken(token_endpoint, client_id, client_secret, audience),
    );
    expect((await elsewhere.get('log-streams')).body).toEqual([]);
    const id = ids.sumo;
    expectManagementError(await elsewhere.get(`log-streams/${id}`), 404, 'inexistent_log_stream');
    expectManagementError(
      await elsewhere.patch(`log-streams/${id}`, { name: 'hijacked' }),
      404,
      'inexistent_log_stream',
    );
    expectManagementError(await elsewhere.delete(`log-streams/${id}`), 404, 'inexistent_log_stream');
    expectManagementError(await elsewhere.get(`log-streams/${id}/dead-letters`), 404, 'inexistent_log_stream');
    const own = await elsewhere.post('log-streams', bodies.loggly);
    expect(own.status).toBe(201);
    expect((await elsewhere.get('log-streams')).body.map((s: { id: string }) => s.id)).toEqual([own.body.id]);
    expect((await api().get('log-streams')).body.map((s: { id: string }) => s.id)).not.toContain(own.body.id);
    expect((await api().get(`log-streams/${id}`)).body.name).toBe('Sumo');
  });

  it('deletes: 204, then 404 everywhere', async () => {
    expect((await api().delete(`log-streams/${ids.loggly}`)).status).toBe(204);
    expectManagementError(await api().get(`log-streams/${ids.loggly}`), 404, 'inexistent_log_stream');
    expectManagementError(await api().patch(`log-streams/${ids.loggly}`, { name: 'x' }), 404, 'inexistent_log_stream');
    expectManagementError(await api().delete(`log-streams/${ids.loggly}`), 404, 'inexistent_log_stream');
    expectManagementError(await api().get('log-streams/not-an-id'), 404, 'inexistent_log_stream');
    expect((await api().get('log-streams')).body.map((s: { id: string }) => s.id)).not.toContain(ids.loggly);
  });

  it('never lets a secret out: not in an answer, the event store, the read models or the log', async () => {
    const logs: LogEvent[] = [];
    for (let route = 'logs?take=100'; ;) {
      const page = await admin.api.get(route);
      expect(page.status).toBe(200);
      logs.push(...(page.body as LogEvent[]));
      const next = /<[^>]*\/api\/v2\/([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
      if ((page.body as LogEvent[]).length < 100 || !next) break;
      route = next;
    }
    const streamCalls = logs.filter((log) => log.description?.includes('log stream'));
    expect(streamCalls.map((log) => log.description)).toEqual(
      expect.arrayContaining(['Create a log stream', 'Update a log stream', 'Get a log stream', 'Delete a log stream']),
    );
    const logText = JSON.stringify(streamCalls);
    // The request bodies were logged, with every secret field redacted.
    expect(logText).toContain('"splunkToken":"REDACTED"');
    expect(logText).toContain('"sumoSourceAddress":"REDACTED"');
    expect(logText).toContain('"httpAuthorization":"REDACTED"');
    expect(logText).toContain('"logglyToken":"REDACTED"');
    expect(logText).toContain('"value":"REDACTED"');

    const { events, readModels } = await storedText(roster);
    expect(events).toContain('LogStreamCreated');
    expect(readModels).toContain('Splunk prod');
    for (const [where, text] of Object.entries({
      answers: answers.join('\n'),
      logs: JSON.stringify(logs),
      events,
      readModels,
    })) {
      expect({ where, leaked: text.includes(MARK) }).toEqual({ where, leaked: false });
    }
  });
});
