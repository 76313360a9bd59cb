import type { LogEvent } from '@roster/logs';
import type { SqlQueryable } from '@roster/sql';
import { LOG_STREAM_DEAD_LETTERS_TABLE, LOG_STREAM_HEALTH_TABLE } from './log-export.schema';

/**
 * Reads and writes of `log_stream_health` and `log_stream_dead_letters` (see log-export.schema.ts). Times are given
 * by the caller (milliseconds), so a worker's notion of "failing for 7 days" has one clock.
 */

/** Errors kept per stream, newest last (Auth0's health view shows the last 10). */
export const HEALTH_ERRORS_KEPT = 10;

export interface HealthError {
  /** ISO-8601. */
  at: string;
  /** Free of secrets: the connectors' reasons, or a RosterError message. */
  message: string;
}

export interface LogStreamHealth {
  streamId: string;
  tenant: string;
  delivered: bigint;
  lastDeliveryAt?: Date;
  /** Position of the last event the stream handled (delivered, dead-lettered or filtered out). */
  lastPosition?: bigint;
  failingSince?: Date;
  /** Set when the exporter suspended the stream: the revision it was suspended at. */
  suspendedRevision?: number;
  errors: HealthError[];
  updatedAt: Date;
}

export interface DeadLetterRecord {
  streamId: string;
  logId: string;
  tenant: string;
  reason: string;
  event: LogEvent;
  at: Date;
}

interface HealthRow {
  stream_id: string;
  tenant: string;
  delivered: unknown;
  last_delivery_at: Date | string | null;
  last_position: unknown;
  failing_since: Date | string | null;
  suspended_revision: number | null;
  errors: HealthError[];
  updated_at: Date | string;
}

const H = LOG_STREAM_HEALTH_TABLE;
const D = LOG_STREAM_DEAD_LETTERS_TABLE;
const iso = (ms: number): string => new Date(ms).toISOString();
const date = (value: Date | string | null): Date | undefined => (value === null ? undefined : new Date(value));
/** `pg` returns int8 as a string, PGlite as a number or bigint. */
const big = (value: unknown): bigint | undefined =>
  value === null || value === undefined ? undefined : BigInt(value as string | number | bigint);

const toHealth = (row: HealthRow): LogStreamHealth => ({
  streamId: row.stream_id,
  tenant: row.tenant,
  delivered: big(row.delivered) ?? 0n,
  lastDeliveryAt: date(row.last_delivery_at),
  lastPosition: big(row.last_position),
  failingSince: date(row.failing_since),
  suspendedRevision: row.suspended_revision ?? undefined,
  errors: row.errors,
  updatedAt: new Date(row.updated_at),
});

/** `errors` with `$n` (a JSON array) appended, cut to the last HEALTH_ERRORS_KEPT. */
const appendErrors = (param: string): string =>
  `(SELECT COALESCE(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM (
      SELECT e, n FROM jsonb_array_elements(${H}.errors || ${param}::jsonb) WITH ORDINALITY AS t(e, n)
       ORDER BY n DESC LIMIT ${HEALTH_ERRORS_KEPT}) AS kept)`;

export const readLogStreamHealth = async (db: SqlQueryable, streamId: string): Promise<LogStreamHealth | undefined> => {
  const { rows } = await db.query<HealthRow>(`SELECT * FROM ${H} WHERE stream_id = $1`, [streamId]);
  return rows[0] ? toHealth(rows[0]) : undefined;
};

/** The health row of a stream, created empty if missing. */
export const openLogStreamHealth = async (
  db: SqlQueryable,
  streamId: string,
  tenant: string,
): Promise<LogStreamHealth> => {
  await db.query(`INSERT INTO ${H} (stream_id, tenant) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING`, [
    streamId,
    tenant,
  ]);
  return (await readLogStreamHealth(db, streamId))!;
};

/** Stream id -> the revision it is suspended at, for every suspended stream. */
export const readSuspendedRevisions = async (db: SqlQueryable): Promise<Map<string, number>> => {
  const { rows } = await db.query<{ stream_id: string; suspended_revision: number }>(
    `SELECT stream_id, suspended_revision FROM ${H} WHERE suspended_revision IS NOT NULL`,
  );
  return new Map(rows.map((row) => [row.stream_id, Number(row.suspended_revision)]));
};

/** A resumed stream (new revision after a suspension) starts a new failure window. */
export const clearSuspension = async (db: SqlQueryable, streamId: string): Promise<void> => {
  await db.query(
    `UPDATE ${H} SET suspended_revision = NULL, failing_since = NULL, updated_at = now() WHERE stream_id = $1`,
    [streamId],
  );
};

/**
 * An error to show in the stream's health. With `failing`, it also marks the stream failing since `at` unless it
 * already was (a SIEM refusing one event is an error, not a failing stream).
 */
export const recordHealthError = async (
  db: SqlQueryable,
  streamId: string,
  error: { at: number; message: string; failing?: boolean },
): Promise<void> => {
  const entry: HealthError = { at: iso(error.at), message: error.message };
  await db.query(
    `UPDATE ${H} SET errors = ${appendErrors('$2')},
            failing_since = CASE WHEN $3::boolean THEN COALESCE(failing_since, $4::timestamptz) ELSE failing_since END,
            updated_at = now()
      WHERE stream_id = $1`,
    [streamId, JSON.stringify([entry]), error.failing === true, entry.at],
  );
};

export const recordSuspension = async (
  db: SqlQueryable,
  streamId: string,
  suspension: { at: number; revision: number; message: string },
): Promise<void> => {
  await db.query(
    `UPDATE ${H} SET suspended_revision = $2, errors = ${appendErrors('$3')}, updated_at = now() WHERE stream_id = $1`,
    [streamId, suspension.revision, JSON.stringify([{ at: iso(suspension.at), message: suspension.message }])],
  );
};

export interface HandledBatch {
  tenant: string;
  at: number;
  /** Position of the batch's last event, handled or filtered out. */
  lastPosition: bigint;
  delivered: number;
  deadLetters: readonly { event: LogEvent; reason: string }[];
  /** The SIEM answered (deliverBatch returned): the stream is not failing any more. */
  reachedSink: boolean;
}

/** What a handled batch changes, in one transaction: its dead letters first, then the health counters. */
export const recordHandledBatch = async (tx: SqlQueryable, streamId: string, batch: HandledBatch): Promise<void> => {
  if (batch.deadLetters.length > 0) {
    // A redelivered batch dead-letters the same events again: the first record stands. NOT EXISTS rather than
    // ON CONFLICT: it holds whether or not the table was created with its primary key (one worker per stream).
    await tx.query(
      `INSERT INTO ${D} (stream_id, log_id, tenant, reason, event, at)
       SELECT $1, d.log_id, $2, d.reason, d.event, $4::timestamptz
         FROM jsonb_to_recordset($3::jsonb) AS d(log_id text, reason text, event jsonb)
        WHERE NOT EXISTS (SELECT 1 FROM ${D} x WHERE x.stream_id = $1 AND x.log_id = d.log_id)`,
      [
        streamId,
        batch.tenant,
        JSON.stringify(batch.deadLetters.map((d) => ({ log_id: d.event.log_id, reason: d.reason, event: d.event }))),
        iso(batch.at),
      ],
    );
  }
  await tx.query(
    `UPDATE ${H} SET delivered = delivered + $2::bigint,
            last_delivery_at = CASE WHEN $2::bigint > 0 THEN $3::timestamptz ELSE last_delivery_at END,
            last_position = GREATEST(last_position, $4::bigint),
            failing_since = CASE WHEN $5::boolean THEN NULL ELSE failing_since END,
            updated_at = now()
      WHERE stream_id = $1`,
    [streamId, batch.delivered, iso(batch.at), batch.lastPosition.toString(), batch.reachedSink],
  );
};

export const readDeadLetters = async (db: SqlQueryable, streamId: string): Promise<DeadLetterRecord[]> => {
  const { rows } = await db.query<{
    stream_id: string;
    log_id: string;
    tenant: string;
    reason: string;
    event: LogEvent;
    at: Date | string;
  }>(`SELECT * FROM ${D} WHERE stream_id = $1 ORDER BY log_id`, [streamId]);
  return rows.map((row) => ({
    streamId: row.stream_id,
    logId: row.log_id,
    tenant: row.tenant,
    reason: row.reason,
    event: row.event,
    at: new Date(row.at),
  }));
};
