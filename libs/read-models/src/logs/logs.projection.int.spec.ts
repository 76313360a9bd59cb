import { randomUUID } from 'crypto';
import { SqlEventStore, type RecordedEvent } from '@roster/event-store';
import { LOG_EVENT_RECORDED, logStream } from '@roster/logs';
import type { SqlDatabase } from '@roster/sql';
import type { Projection } from '../projection';
import { LOGS_TABLE, logsProjection, logsProjectionFromTable } from './logs.projection';
import { LogsReader } from './logs.reader';
import { OpenDatabase, describeOnSqlDatabases } from '../read-models.fixtures';

/**
 * The log projection has two implementations, one building rows in JavaScript (events from anywhere, EventStoreDB
 * included) and one run by the database from the event store's table. Whatever events they get, their rows must be
 * the same: this holds them to it, on both databases.
 */
const logEvent = (tenant: string, data: Record<string, unknown>) => ({
  stream: logStream(tenant, randomUUID()),
  event: { id: randomUUID(), type: LOG_EVENT_RECORDED, data },
});

const history = [
  // A reported login with every searchable field and an ingestion key.
  logEvent('acme', {
    type: 's',
    date: '2026-11-28T10:00:00.000Z',
    description: 'Successful login',
    client_id: 'app1',
    client_name: 'Web',
    connection: 'Username-Password-Authentication',
    connection_id: 'con_A',
    user_id: 'auth0|u1',
    user_name: 'u1@example.com',
    ip: '198.51.100.7',
    hostname: 'login.acme.test',
    user_agent: 'Mozilla/5.0',
    strategy: 'auth0',
    strategy_type: 'database',
    organization_id: 'org_1',
    isMobile: false,
    details: { prompts: [{ name: 'login', elapsedTime: 120 }], quote: 'it\'s "quoted" \u2028' },
    tenant_name: 'acme',
    ingest_id: 'report-1',
  }),
  // A token exchange: most columns absent.
  logEvent('acme', {
    type: 'seccft',
    date: '2026-11-28T10:00:01.5+01:00',
    client_id: 'app1',
    audience: 'https://api.acme.test/',
    scope: 'read:things',
    tenant_name: 'acme',
  }),
  // Values of the wrong JSON type in text columns are not text.
  logEvent('acme', { type: 'f', date: '2026-11-28T10:00:02Z', user_id: 42, ip: null, tenant_name: 'acme' }),
  // The same ingestion key again (a retry that raced the first): the first stays.
  logEvent('acme', { type: 'f', date: '2026-11-28T10:00:03Z', tenant_name: 'acme', ingest_id: 'report-1' }),
  // Another tenant, the same key: its own.
  logEvent('globex', { type: 'slo', date: '2026-11-28T10:00:04Z', tenant_name: 'globex', ingest_id: 'report-1' }),
];

const projectionContract = (open: OpenDatabase) => {
  let db: SqlDatabase;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let events: RecordedEvent[];

  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    for (const { stream, event } of history) await store.append(stream, [event], 'no_stream');
    events = await store.readAll();
    await db.transaction(async (tx) => {
      for (const statement of logsProjection.tables[0].ddl) await tx.query(statement);
    });
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    await close?.();
  });

  const rowsAfter = async (projection: Projection, apply: 'apply' | 'applyMany'): Promise<unknown[]> => {
    await db.query(`DELETE FROM ${LOGS_TABLE}`);
    await db.transaction(async (tx) => {
      if (apply === 'applyMany') await projection.applyMany!(tx, events);
      else for (const event of events) await projection.apply(tx, event);
    });
    const { rows } = await db.query(`SELECT * FROM ${LOGS_TABLE} ORDER BY position`);
    return rows;
  };

  it('gives the same rows from the events table as from the events in hand, batched or one by one', async () => {
    const inHand = await rowsAfter(logsProjection, 'applyMany');
    expect(inHand).toHaveLength(4);
    expect(inHand[0]).toMatchObject({ tenant: 'acme', user_id: 'auth0|u1', ingest_id: 'report-1' });
    expect(inHand[2]).toMatchObject({ user_id: null, ip: null });
    expect(inHand[3]).toMatchObject({ tenant: 'globex', ingest_id: 'report-1' });

    const fromTable = logsProjectionFromTable(store.eventsTable);
    expect(await rowsAfter(fromTable, 'applyMany')).toEqual(inHand);
    expect(await rowsAfter(fromTable, 'apply')).toEqual(inHand);
    expect(await rowsAfter(logsProjection, 'apply')).toEqual(inHand);
  });

  it('ignores an event applied twice, as a replay would', async () => {
    const fromTable = logsProjectionFromTable(store.eventsTable);
    const once = await rowsAfter(fromTable, 'applyMany');
    await db.transaction((tx) => fromTable.applyMany!(tx, events));
    const { rows } = await db.query(`SELECT * FROM ${LOGS_TABLE} ORDER BY position`);
    expect(rows).toEqual(once);
  });

  it('finds the ingestion keys a tenant stored, and only its own', async () => {
    await rowsAfter(logsProjectionFromTable(store.eventsTable), 'applyMany');
    const reader = new LogsReader(db);
    expect(await reader.storedIngestIds('acme', ['report-1', 'report-2', "o'quote"])).toEqual(new Set(['report-1']));
    expect(await reader.storedIngestIds('globex', ['report-1'])).toEqual(new Set(['report-1']));
    expect(await reader.storedIngestIds('initech', ['report-1'])).toEqual(new Set());
  });
};

describeOnSqlDatabases('log projection', projectionContract);
