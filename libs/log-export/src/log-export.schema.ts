import { LOG_STREAM_HEALTH_DDL, LOG_STREAM_SCHEMA_LOCK } from '@roster/read-models';
import type { SqlDatabase } from '@roster/sql';

/**
 * The exporter's tables, next to the read models (same database): each stream's health, its dead letters and, in
 * all-in-one mode, its position in the event store's log. The log stream API reads the first two; it may create them
 * too, which is why the definitions below are the agreed ones and every statement is IF NOT EXISTS.
 */

export { LOG_STREAM_HEALTH_TABLE, LOG_STREAM_DEAD_LETTERS_TABLE } from '@roster/read-models';
export const LOG_STREAM_CHECKPOINTS_TABLE = 'log_stream_checkpoints';

/** Health and dead letters as the log stream API reads them, plus each stream's position in all-in-one mode. */
export const LOG_EXPORT_DDL: readonly string[] = [
  ...LOG_STREAM_HEALTH_DDL,
  `CREATE TABLE IF NOT EXISTS ${LOG_STREAM_CHECKPOINTS_TABLE} (
     stream_id text PRIMARY KEY,
     position bigint NOT NULL)`,
];

/**
 * Creates the exporter's tables if missing. Safe from several processes at once: concurrent CREATE ... IF NOT EXISTS
 * can still collide in the catalog, so they take turns on an advisory lock.
 */
export const ensureLogExportSchema = (db: SqlDatabase): Promise<void> =>
  db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOG_STREAM_SCHEMA_LOCK]);
    for (const statement of LOG_EXPORT_DDL) await tx.query(statement);
  });
