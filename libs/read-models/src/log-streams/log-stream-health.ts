import type { SqlDatabase, SqlQueryable } from '@roster/sql';
import { LOGS_TABLE } from '../logs/logs.projection';
import { toIso } from '../projection';

/**
 * What the exporter records about each stream's delivery, read here for the Management API. The exporter writes
 * these tables (this module only creates them if missing and reads them); they are not read models, so a rebuild
 * never drops them.
 */
export const LOG_STREAM_HEALTH_TABLE = 'log_stream_health';
export const LOG_STREAM_DEAD_LETTERS_TABLE = 'log_stream_dead_letters';
/** Auth0's health view shows the last 10 delivery errors. */
export const MAX_HEALTH_ERRORS = 10;
/** Lag is counted up to here: enough to say "far behind" without scanning a whole backlog. */
export const MAX_COUNTED_LAG = 100_000;
export const MAX_DEAD_LETTERS_LISTED = 100;

/** The agreed definitions: the exporter (`@roster/log-export`) creates these tables with the same statements. */
export const LOG_STREAM_HEALTH_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${LOG_STREAM_HEALTH_TABLE} (
     stream_id text PRIMARY KEY,
     tenant text NOT NULL,
     delivered bigint NOT NULL DEFAULT 0,
     last_delivery_at timestamptz,
     last_position bigint,
     failing_since timestamptz,
     suspended_revision int,
     errors jsonb NOT NULL DEFAULT '[]',
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS ${LOG_STREAM_DEAD_LETTERS_TABLE} (
     stream_id text,
     log_id text,
     tenant text NOT NULL,
     reason text NOT NULL,
     event jsonb NOT NULL,
     at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (stream_id, log_id))`,
  `CREATE INDEX IF NOT EXISTS ${LOG_STREAM_DEAD_LETTERS_TABLE}_stream ON ${LOG_STREAM_DEAD_LETTERS_TABLE} (stream_id, at)`,
];

/** Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog: creators take turns on this lock. */
export const LOG_STREAM_SCHEMA_LOCK = 'roster.log_export.schema';

/** Creates the tables when given a database (in a transaction, taking turns on the lock), or tries twice on a bare queryable. */
export const ensureLogStreamHealthSchema = async (db: SqlQueryable): Promise<void> => {
  const create = async (q: SqlQueryable) => {
    for (const statement of LOG_STREAM_HEALTH_DDL) await q.query(statement);
  };
  if ('transaction' in db && typeof db.transaction === 'function') {
    await (db as SqlDatabase).transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOG_STREAM_SCHEMA_LOCK]);
      await create(tx);
    });
    return;
  }
  await create(db).catch(() => create(db));
};

export interface HealthError {
  at: string;
  message: string;
}

/** The `health` block of the API's log stream object. */
export interface LogStreamHealth {
  delivered: number;
  last_delivery: string | null;
  /** The tenant's log events after the last one the stream handled (capped at MAX_COUNTED_LAG). */
  lag: number;
  /** Newest first. */
  errors: HealthError[];
}

export interface LogStreamHealthRecord {
  health: LogStreamHealth;
  /** The stream revision the exporter suspended, or null. */
  suspendedRevision: number | null;
}

export interface DeadLetter {
  log_id: string;
  reason: string;
  at: string;
  event: unknown;
}

/** What the API reports: `suspended` while the exporter's suspension holds for the current, active configuration. */
export const reportedStatus = (
  configured: 'active' | 'paused',
  revision: number,
  suspendedRevision: number | null,
): 'active' | 'paused' | 'suspended' =>
  configured === 'active' && suspendedRevision === revision ? 'suspended' : configured;

interface HealthRow {
  delivered: string | number | bigint;
  last_delivery_at: unknown;
  last_position: string | number | bigint | null;
  suspended_revision: number | null;
  errors: unknown;
}

const errorsOf = (value: unknown): HealthError[] =>
  (Array.isArray(value) ? value : [])
    .filter((item): item is { at: unknown; message: unknown } => typeof item === 'object' && item !== null)
    .map((item) => ({ at: toIso(item.at) ?? '', message: String(item.message ?? '') }))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, MAX_HEALTH_ERRORS);

export class LogStreamHealthReader {
  private schema?: Promise<void>;

  constructor(private readonly db: SqlQueryable) {}

  /** Health of a stream of `tenant` created at `createdPosition`: no record yet means nothing delivered. */
  async of(tenant: string, id: string, createdPosition: bigint): Promise<LogStreamHealthRecord> {
    const row = await this.row(tenant, id);
    const after = row?.last_position == null ? createdPosition : BigInt(row.last_position);
    return {
      health: {
        delivered: Number(row?.delivered ?? 0),
        last_delivery: toIso(row?.last_delivery_at),
        lag: await this.lag(tenant, after),
        errors: errorsOf(row?.errors),
      },
      suspendedRevision: row?.suspended_revision ?? null,
    };
  }

  async suspendedRevision(tenant: string, id: string): Promise<number | undefined> {
    return (await this.row(tenant, id))?.suspended_revision ?? undefined;
  }

  /** Newest first. */
  async deadLetters(tenant: string, id: string, limit = MAX_DEAD_LETTERS_LISTED): Promise<DeadLetter[]> {
    await this.ready();
    const { rows } = await this.db.query<{ log_id: string; reason: string; at: unknown; event: unknown }>(
      `SELECT log_id, reason, at, event FROM ${LOG_STREAM_DEAD_LETTERS_TABLE}
       WHERE stream_id = $1 AND tenant = $2 ORDER BY at DESC, log_id DESC LIMIT $3`,
      [id, tenant, Math.min(limit, MAX_DEAD_LETTERS_LISTED)],
    );
    return rows.map((row) => ({ log_id: row.log_id, reason: row.reason, at: toIso(row.at)!, event: row.event }));
  }

  private async row(tenant: string, id: string): Promise<HealthRow | undefined> {
    await this.ready();
    const { rows } = await this.db.query<HealthRow>(
      `SELECT delivered, last_delivery_at, last_position, suspended_revision, errors
       FROM ${LOG_STREAM_HEALTH_TABLE} WHERE stream_id = $1 AND tenant = $2`,
      [id, tenant],
    );
    return rows[0];
  }

  private async lag(tenant: string, after: bigint): Promise<number> {
    const { rows } = await this.db.query<{ n: string | number | bigint }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${LOGS_TABLE} WHERE tenant = $1 AND position > $2 LIMIT $3) behind`,
      [tenant, after.toString(), MAX_COUNTED_LAG],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Creates the tables on first use; a failure is retried on the next call. */
  private ready(): Promise<void> {
    this.schema ??= ensureLogStreamHealthSchema(this.db).catch((error: unknown) => {
      this.schema = undefined;
      throw error;
    });
    return this.schema;
  }
}
