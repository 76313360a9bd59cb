import type { SqlQueryable } from '@roster/sql';
import { TENANTS_TABLE } from '../tenants/tenants.projection';
import { LOGS_TABLE } from './logs.projection';

/** Auth0 Enterprise keeps logs 30 days; a tenant changes it with the `log_retention_days` setting. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** Rows deleted per statement, so the job never holds a long transaction over the table the Logs API reads. */
const CHUNK = 5000;

/**
 * Deletes from the log read model the events older than their tenant's retention, a chunk at a time. The event store
 * is left alone: it is the source the relay and the log streams read from, and a rebuild of the read model brings
 * old events back only until the next run of this job. Returns how many rows were deleted.
 */
export const pruneExpiredLogs = async (db: SqlQueryable, now: Date): Promise<number> => {
  let deleted = 0;
  for (;;) {
    const { rows } = await db.query<{ n: unknown }>(
      `WITH expired AS (
         SELECT l.tenant, l.position FROM ${LOGS_TABLE} l
           LEFT JOIN ${TENANTS_TABLE} t ON t.tenant = l.tenant
          WHERE l.date < $1::timestamptz - make_interval(days =>
                  coalesce((t.settings->>'log_retention_days')::int, ${DEFAULT_LOG_RETENTION_DAYS}))
          LIMIT ${CHUNK})
       , gone AS (DELETE FROM ${LOGS_TABLE} l USING expired x
                    WHERE l.tenant = x.tenant AND l.position = x.position RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [now.toISOString()],
    );
    const n = Number(rows[0].n);
    deleted += n;
    if (n < CHUNK) return deleted;
  }
};

/** Once an hour is plenty for a retention counted in days. */
const INTERVAL_MS = 60 * 60 * 1000;

/**
 * Runs `pruneExpiredLogs` at start and then hourly, in the process that builds the log read model (all-in-one or the
 * projector). Several processes may run it at once: deleting what is already deleted is harmless.
 */
export class LogRetentionJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: SqlQueryable,
    /** Where to say what the job did or why it failed (the host's logger). */
    private readonly report: (message: string, error?: unknown) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.running = this.runOnce();
    this.timer = setInterval(() => {
      this.running = this.runOnce();
    }, INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async runOnce(): Promise<void> {
    try {
      const deleted = await pruneExpiredLogs(this.db, this.now());
      if (deleted > 0) this.report(`deleted ${deleted} log events past their tenant's retention`);
    } catch (error) {
      this.report('log retention failed; next try in an hour', error);
    }
  }
}
