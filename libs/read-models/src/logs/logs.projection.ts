import type { RecordedEvent } from '@roster/event-store';
import {
  LOG_EVENT_RECORDED,
  LOG_ID_WIDTH,
  LOG_STREAMS,
  logIdOf,
  tenantOfLogStream,
  type LogEvent,
  type LogEventRecorded,
} from '@roster/logs';
import type { SqlQueryable } from '@roster/sql';
import type { Projection } from '../projection';

export const LOGS_TABLE = 'rm_logs_v1';
/** The log read model has its own runner and checkpoint: a flood of log events never delays the registry's reads. */
export const LOGS_CHECKPOINT = 'logs';
/** The log runner gathers events this long before a transaction: log events come in floods, and reads of the log wait. */
export const LOGS_LINGER_MS = 50;
/**
 * Its subscription reads appends that come within this long of each other at once: one read per append was half of
 * all subscription reads under 200 PATCHes/s on the embedded store (5,341 reads, 4.7 s of 13; 2,966 and 2.5 s after).
 */
export const LOGS_COALESCE_MS = 20;

/** Searchable columns besides the document; `q` and the Logs API filters run on these. */
export const LOG_TEXT_COLUMNS = [
  'type',
  'description',
  'client_id',
  'client_name',
  'connection',
  'connection_id',
  'user_id',
  'user_name',
  'ip',
  'hostname',
  'user_agent',
  'strategy',
  'strategy_type',
  'organization_id',
] as const;

/**
 * Indexes serve the Logs API: by tenant in log id order (the key: get by id, checkpoint paging), newest first, and
 * newest first per type, client, user id, user name and connection, and IP prefixes. Every index costs each insert,
 * and log events arrive by the thousand: user, connection and IP indexes are partial, so the many events without them
 * (token exchanges, API calls) skip them.
 */
const LOGS_DDL = [
  `CREATE TABLE IF NOT EXISTS ${LOGS_TABLE} (
     tenant text NOT NULL,
     position bigint NOT NULL,
     log_id text NOT NULL,
     date timestamptz NOT NULL,
     ${LOG_TEXT_COLUMNS.map((c) => `${c} text`).join(',\n     ')},
     ingest_id text,
     doc jsonb NOT NULL,
     PRIMARY KEY (tenant, position))`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ${LOGS_TABLE}_ingest ON ${LOGS_TABLE} (tenant, ingest_id) WHERE ingest_id IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS ${LOGS_TABLE}_tenant_date ON ${LOGS_TABLE} (tenant, date, position)`,
  ...['type', 'client_id'].map(
    (c) => `CREATE INDEX IF NOT EXISTS ${LOGS_TABLE}_tenant_${c} ON ${LOGS_TABLE} (tenant, ${c}, date, position)`,
  ),
  ...['user_id', 'user_name', 'connection'].map(
    (c) =>
      `CREATE INDEX IF NOT EXISTS ${LOGS_TABLE}_tenant_${c} ON ${LOGS_TABLE} (tenant, ${c}, date, position) WHERE ${c} IS NOT NULL`,
  ),
  // IP searches are mostly prefixes (`ip:198.51.100.*`, a LIKE 'prefix%'): text_pattern_ops lets LIKE use the index
  // whatever the database's collation. The matches are then sorted by date from the index alone (INCLUDE), and only
  // the page's rows are read (see LogsReader.search).
  `CREATE INDEX IF NOT EXISTS ${LOGS_TABLE}_tenant_ip ON ${LOGS_TABLE} (tenant, ip text_pattern_ops)
     INCLUDE (date, position) WHERE ip IS NOT NULL`,
];

/** The stored log event: the recorded draft with its id, and without the ingestion key (internal). */
export const logEventOf = (event: RecordedEvent): LogEvent => {
  const { ingest_id: _ingestId, ...draft } = event.data as LogEventRecorded['data'];
  return { log_id: logIdOf(event.position), ...draft };
};

const rowOf = (event: RecordedEvent): Record<string, unknown> => {
  const doc = logEventOf(event);
  const text = doc as unknown as Record<string, unknown>;
  const row: Record<string, unknown> = {
    position: event.position.toString(),
    tenant: tenantOfLogStream(event.streamId),
    log_id: doc.log_id,
    date: doc.date,
  };
  for (const c of LOG_TEXT_COLUMNS) row[c] = typeof text[c] === 'string' ? text[c] : null;
  row.ingest_id = (event.data as LogEventRecorded['data']).ingest_id ?? null;
  row.doc = doc;
  return row;
};

const COLUMNS = ['position', 'tenant', 'log_id', 'date', ...LOG_TEXT_COLUMNS, 'ingest_id', 'doc'];
const RECORD_TYPES = COLUMNS.map(
  (c) => `${c} ${c === 'position' ? 'bigint' : c === 'date' ? 'timestamptz' : c === 'doc' ? 'jsonb' : 'text'}`,
).join(', ');

/**
 * A whole batch in one INSERT: log events arrive by the thousand, and one statement per event would make the
 * projection, not the event store, the bottleneck. A second event with an ingestion key already stored (a reporter's
 * retry that raced its first attempt) is ignored, as is a replayed position.
 */
const insertLogs = async (tx: SqlQueryable, events: readonly RecordedEvent[]): Promise<void> => {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO ${LOGS_TABLE} (${COLUMNS.join(', ')})
     SELECT ${COLUMNS.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_TYPES})
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(events.map(rowOf))],
  );
};

export const logsProjection: Projection = {
  name: 'logs',
  version: 1,
  tables: [{ name: LOGS_TABLE, ddl: LOGS_DDL }],
  handles: [LOG_EVENT_RECORDED],
  streamPrefixes: [LOG_STREAMS],
  apply: (tx, event) => insertLogs(tx, [event]),
  applyMany: insertLogs,
};

/** A text column's value: the string at `key`, NULL for anything else (as `rowOf` does). */
const textOf = (key: string) => `CASE WHEN jsonb_typeof(e.data->'${key}') = 'string' THEN e.data->>'${key}' END`;

/**
 * The same projection, computed by the database from the event store's table, for deployments whose events live in
 * the read models' database (embedded, PostgreSQL). The rows equal `rowOf`'s (a contract test holds both to it); what
 * changes is the cost: no rows built and sent as JSON, then parsed again by the database. On this project's
 * ingestion benchmark that cut the database's CPU for projecting 1,000 log events from about 57 ms to about 36 ms.
 * Only the positions of the events cross the wire, both ways: the runner's subscription leaves their payload out.
 */
export const logsProjectionFromTable = (eventsTable: string): Projection => {
  const logId = `lpad(e.position::text, ${LOG_ID_WIDTH}, '0')`; // logIdOf
  const insertFromTable = `INSERT INTO ${LOGS_TABLE} (${COLUMNS.join(', ')})
     SELECT e.position, split_part(substr(e.stream_id, ${LOG_STREAMS.length + 1}), ':', 1), ${logId},
            (e.data->>'date')::timestamptz, ${[...LOG_TEXT_COLUMNS, 'ingest_id'].map(textOf).join(', ')},
            jsonb_build_object('log_id', ${logId}) || (e.data - 'ingest_id')
       FROM ${eventsTable} e WHERE e.position = ANY($1::bigint[]) ORDER BY e.position
     ON CONFLICT DO NOTHING`;
  const insert = async (tx: SqlQueryable, events: readonly RecordedEvent[]): Promise<void> => {
    if (events.length === 0) return;
    await tx.query(insertFromTable, [`{${events.map((event) => event.position).join(',')}}`]);
  };
  return { ...logsProjection, apply: (tx, event) => insert(tx, [event]), applyMany: insert, readsEventData: false };
};
