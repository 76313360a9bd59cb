import { createSecretKey, randomBytes, randomUUID } from 'crypto';
import { SqlEventStore } from '@roster/event-store';
import {
  fold,
  logStreamDecider,
  logStreamStream,
  sinkSecretsAfter,
  type LogStreamCommand,
  type LogStreamEvent,
  type LogStreamState,
} from '@roster/registry-domain';
import { SecretBox } from '@roster/security';
import { PgliteDatabase } from '@roster/sql';
import { LOGS_TABLE, logsProjection } from '../logs/logs.projection';
import { ProjectionRunner } from '../projection-runner';
import { ReadModelFreshness } from '../read-model-freshness';
import {
  LOG_STREAM_DEAD_LETTERS_TABLE,
  LOG_STREAM_HEALTH_TABLE,
  LogStreamHealthReader,
  reportedStatus,
} from './log-stream-health';
import { sealSinkSecrets, sinkSecretsContext, sinkSecretsOpener } from './log-stream-secrets';
import { logStreamsProjection } from './log-streams.projection';
import { LogStreamsReader } from './log-streams.reader';

/**
 * Log streams decided by the real decider, sealed with a real SecretBox, stored in a SqlEventStore on PGlite and
 * projected: the API's masked view, the exporter's opened definitions, and the exporter's health read back.
 */
const TOKEN = 'splunk-hec-token-0123456789';
const ROTATED = 'splunk-hec-token-rotated-999';
const AUTHORIZATION = 'Bearer http-sink-credential-42';

describe('log streams read model on PGlite', () => {
  const box = new SecretBox(createSecretKey(randomBytes(32)));
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  let freshness: ReadModelFreshness;
  let reader: LogStreamsReader;
  let health: LogStreamHealthReader;
  const history = new Map<string, LogStreamEvent[]>();
  const created = new Map<string, bigint>();
  let head = 0n;

  /** Decides on the stream's history and appends, as the registry's handler does (sealing included). */
  const run = async (tenant: string, id: string, build: (state: LogStreamState) => LogStreamCommand) => {
    const past = history.get(id) ?? [];
    const state = fold(logStreamDecider, past);
    const events = logStreamDecider.decide(build(state), state);
    const result = await store.append(
      logStreamStream(tenant, id),
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: {} })),
      past.length === 0 ? 'no_stream' : BigInt(past.length - 1),
    );
    if (past.length === 0) created.set(id, result.position);
    history.set(id, [...past, ...events]);
    head = result.position;
  };
  const createStream = (
    tenant: string,
    id: string,
    body: { type: string; sink: Record<string, unknown> } & Record<string, unknown>,
  ) =>
    run(tenant, id, () => ({
      type: 'CreateLogStream',
      data: {
        tenant,
        id,
        at: new Date().toISOString(),
        log_stream: body,
        sealed_secrets: sealSinkSecrets(box, tenant, id, sinkSecretsAfter(body.type, {}, body.sink)),
      },
    }));
  const updateStream = (tenant: string, id: string, changes: Record<string, unknown>, suspended?: number) =>
    run(tenant, id, (state) => {
      if (state.status !== 'created') throw new Error('no stream');
      const current = sinkSecretsOpener(box)(state.sealed_secrets, sinkSecretsContext(tenant, id));
      return {
        type: 'UpdateLogStream',
        data: {
          tenant,
          id,
          at: new Date().toISOString(),
          changes,
          current_secrets: current,
          sealed_secrets: sealSinkSecrets(box, tenant, id, sinkSecretsAfter(state.stream.type, current, changes.sink)),
          ...(suspended === undefined ? {} : { suspended_revision: suspended }),
        },
      };
    });

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.create(db, { pollIntervalMs: 50 });
    runner = new ProjectionRunner(db, store, [logStreamsProjection]);
    await runner.start();
    freshness = new ReadModelFreshness(db, { runner });
    for (const ddl of logsProjection.tables.flatMap((t) => t.ddl)) await db.query(ddl);
    reader = new LogStreamsReader(db, sinkSecretsOpener(box));
    health = new LogStreamHealthReader(db);

    await createStream('acme', 'lst_splunk', {
      name: 'SIEM',
      type: 'splunk',
      filters: [{ type: 'category', name: 'auth.login.fail' }],
      sink: { splunkDomain: 'splunk.acme.test', splunkToken: TOKEN, splunkSecure: true },
    });
    await createStream('other', 'lst_http', {
      name: 'Hook',
      type: 'http',
      status: 'paused',
      startFrom: '2025-06-01',
      sink: {
        httpEndpoint: 'https://hooks.other.test/in',
        httpContentFormat: 'JSONARRAY',
        httpAuthorization: AUTHORIZATION,
      },
    });
    await createStream('acme', 'lst_gone', { name: 'Gone', type: 'loggly', sink: { logglyToken: 'loggly-token-1' } });
    await run('acme', 'lst_gone', () => ({
      type: 'DeleteLogStream',
      data: { tenant: 'acme', id: 'lst_gone', at: '' },
    }));
    await updateStream('acme', 'lst_splunk', { name: 'SIEM 2', isPriority: true, sink: { splunkToken: ROTATED } });
    await updateStream('acme', 'lst_splunk', { status: 'active' }, 2);
    expect(await freshness.waitForPosition(head, 10_000)).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await freshness?.close();
    await runner?.stop();
    await store?.close();
    await db?.close();
  });

  it("lists a tenant's streams in Auth0's shape with the secrets masked, revision = number of events", async () => {
    expect(history.get('lst_splunk')!.map((e) => e.type)).toEqual([
      'LogStreamCreated',
      'LogStreamChanged',
      'LogStreamResumed',
    ]);
    const list = await reader.list('acme');
    expect(list).toEqual([
      {
        doc: {
          id: 'lst_splunk',
          name: 'SIEM 2',
          type: 'splunk',
          status: 'active',
          filters: [{ type: 'category', name: 'auth.login.fail' }],
          isPriority: true,
          sink: { splunkDomain: 'splunk.acme.test', splunkSecure: true, splunkToken: '****-999' },
        },
        revision: 3,
        createdPosition: created.get('lst_splunk'),
      },
    ]);
    expect(await reader.get('acme', 'lst_http')).toBeNull();
    expect(await reader.get('acme', 'lst_gone')).toBeNull();
    expect((await reader.get('other', 'lst_http'))?.doc).toMatchObject({
      status: 'paused',
      sink: { httpEndpoint: 'https://hooks.other.test/in', httpAuthorization: '****l-42' },
    });
  });

  it('keeps every secret sealed in the table', async () => {
    const { rows } = await db.query('SELECT * FROM rm_log_streams_v1');
    const text = JSON.stringify(rows);
    for (const secret of [TOKEN, ROTATED, AUTHORIZATION, 'loggly-token-1']) expect(text).not.toContain(secret);
  });

  it('gives the exporter every live stream of every tenant with its secrets opened', async () => {
    const definitions = await reader.definitions();
    expect(definitions).toEqual([
      {
        id: 'lst_splunk',
        tenant: 'acme',
        name: 'SIEM 2',
        status: 'active',
        revision: 3,
        filters: [{ type: 'category', name: 'auth.login.fail' }],
        createdPosition: created.get('lst_splunk'),
        type: 'splunk',
        sink: { splunkDomain: 'splunk.acme.test', splunkSecure: true, splunkToken: ROTATED },
      },
      {
        id: 'lst_http',
        tenant: 'other',
        name: 'Hook',
        status: 'paused',
        revision: 1,
        filters: [],
        createdPosition: created.get('lst_http'),
        startFrom: '2025-06-01T00:00:00.000Z',
        type: 'http',
        sink: {
          httpEndpoint: 'https://hooks.other.test/in',
          httpContentFormat: 'JSONARRAY',
          httpAuthorization: AUTHORIZATION,
        },
      },
    ]);
  });

  it('binds sealed secrets to their stream', () => {
    const sealed = sealSinkSecrets(box, 'acme', 'lst_a', { splunkToken: TOKEN });
    expect(sinkSecretsOpener(box)(sealed, sinkSecretsContext('acme', 'lst_a'))).toEqual({ splunkToken: TOKEN });
    expect(() => sinkSecretsOpener(box)(sealed, sinkSecretsContext('acme', 'lst_b'))).toThrow(/could not be opened/);
  });

  it("reads the exporter's health: lag from the created position, then from the last handled position", async () => {
    const base = head + 1000n;
    for (const [tenant, offset] of [
      ['acme', 1n],
      ['acme', 2n],
      ['other', 3n],
      ['acme', 4n],
    ] as const) {
      await db.query(
        `INSERT INTO ${LOGS_TABLE} (tenant, position, log_id, date, doc) VALUES ($1, $2, $3, now(), '{}'::jsonb)`,
        [tenant, (base + offset).toString(), `log-${offset}`],
      );
    }
    const fresh = await health.of('acme', 'lst_splunk', created.get('lst_splunk')!);
    expect(fresh).toEqual({
      health: { delivered: 0, last_delivery: null, lag: 3, errors: [] },
      suspendedRevision: null,
    });

    const errors = Array.from({ length: 12 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      message: `error ${i}`,
    }));
    await db.query(
      `INSERT INTO ${LOG_STREAM_HEALTH_TABLE} (stream_id, tenant, delivered, last_delivery_at, last_position,
         suspended_revision, errors, updated_at)
       VALUES ('lst_splunk', 'acme', 7, '2026-01-01T00:00:00Z', $1, 3, $2::jsonb, now())`,
      [(base + 1n).toString(), JSON.stringify(errors)],
    );
    const record = await health.of('acme', 'lst_splunk', created.get('lst_splunk')!);
    expect(record.health).toEqual({
      delivered: 7,
      last_delivery: '2026-01-01T00:00:00.000Z',
      lag: 2,
      errors: errors.slice(2).reverse(),
    });
    expect(record.suspendedRevision).toBe(3);
    expect(reportedStatus('active', 3, record.suspendedRevision)).toBe('suspended');
    expect(reportedStatus('active', 4, record.suspendedRevision)).toBe('active');
    expect(reportedStatus('paused', 3, record.suspendedRevision)).toBe('paused');
    // Another tenant's view of the same id sees nothing.
    expect((await health.of('other', 'lst_splunk', 0n)).suspendedRevision).toBeNull();
  });

  it('lists dead letters newest first, per tenant', async () => {
    for (const [tenant, logId, minute] of [
      ['acme', 'l1', 1],
      ['acme', 'l2', 3],
      ['other', 'l3', 5],
      ['acme', 'l4', 2],
    ] as const) {
      await db.query(
        `INSERT INTO ${LOG_STREAM_DEAD_LETTERS_TABLE} (stream_id, log_id, tenant, reason, event, at)
         VALUES ('lst_splunk', $1, $2, 'rejected by the sink (400)', $3::jsonb, $4)`,
        [logId, tenant, JSON.stringify({ log_id: logId, type: 'sapi' }), new Date(Date.UTC(2026, 0, 1, 0, minute))],
      );
    }
    const letters = await health.deadLetters('acme', 'lst_splunk');
    expect(letters.map((l) => l.log_id)).toEqual(['l2', 'l4', 'l1']);
    expect(letters[0]).toEqual({
      log_id: 'l2',
      reason: 'rejected by the sink (400)',
      at: '2026-01-01T00:03:00.000Z',
      event: { log_id: 'l2', type: 'sapi' },
    });
  });
});
