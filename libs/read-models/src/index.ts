import { clientGrantsProjection } from './client-grants/client-grants.projection';
import { clientsProjection } from './clients/clients.projection';
import { connectionsProjection } from './connections/connections.projection';
import type { Projection } from './projection';
import { resourceServersProjection } from './resource-servers/resource-servers.projection';
import { tenantsProjection } from './tenants/tenants.projection';
import {
  LOGS_CHECKPOINT,
  LOGS_COALESCE_MS,
  LOGS_LINGER_MS,
  logsProjection,
  logsProjectionFromTable,
} from './logs/logs.projection';
import { ProjectionRunner } from './projection-runner';
import type { EventStore } from '@roster/event-store';
import type { SqlDatabase } from '@roster/sql';
import { logStreamsProjection } from './log-streams/log-streams.projection';

export * from './projection';
export * from './paging';
export * from './checkpoints';
export * from './apply-batch';
export * from './projection-runner';
export * from './read-model-freshness';
export * from './rebuild';
export * from './tenants/tenants.projection';
export * from './tenants/tenants.reader';
export * from './clients/clients.projection';
export * from './clients/clients.reader';
export * from './connections/connections.projection';
export * from './connections/connections.reader';
export * from './resource-servers/resource-servers.projection';
export * from './resource-servers/resource-servers.reader';
export * from './client-grants/client-grants.projection';
export * from './client-grants/client-grants.reader';
export * from './log-streams/log-streams.projection';
export * from './log-streams/log-streams.reader';
export * from './log-streams/log-stream-secrets';
export * from './log-streams/log-stream-health';

/** The registry's read models; they share one runner and one checkpoint (`registry`). */
export const registryProjections: readonly Projection[] = [
  tenantsProjection,
  clientsProjection,
  connectionsProjection,
  resourceServersProjection,
  clientGrantsProjection,
  logStreamsProjection,
];
/**
 * On the embedded database the registry's runner lets appends gather this long after a wake before it reads them.
 * PGlite runs one statement at a time for the whole process; at the head of a busy log the runner otherwise read
 * once per append (about 1 ms each) and committed small batches. Measured on the embedded store, same runs: 234-255
 * registrations/s without, 369-435 with 15 ms; at 200 PATCHes/s, write-to-read lag p99 476 ms without, 163 ms with.
 */
export const EMBEDDED_REGISTRY_COALESCE_MS = 15;

/** The runner of the registry's read models (`registryProjections`, checkpoint `registry`). */
export const registryProjectionRunner = (db: SqlDatabase, store: EventStore): ProjectionRunner =>
  new ProjectionRunner(db, store, registryProjections, {
    coalesceMs: db.kind === 'pglite' ? EMBEDDED_REGISTRY_COALESCE_MS : 0,
  });

export * from './logs/logs.projection';
export * from './logs/logs.reader';
export * from './logs/log-retention';

/** The log read model; its own runner and checkpoint (`logs`). */
export const logProjections: readonly Projection[] = [logsProjection];

/**
 * The runner of the log read model: its own checkpoint, so a flood of log events never delays the registry's
 * read-your-writes, and large, lingering batches, as log events come by the thousand. Given the event store's table
 * in `db` (events and read models in one database), the database projects the events itself.
 */
export const logsProjectionRunner = (
  db: SqlDatabase,
  store: EventStore,
  options: { eventsTable?: string } = {},
): ProjectionRunner =>
  new ProjectionRunner(
    db,
    store,
    options.eventsTable ? [logsProjectionFromTable(options.eventsTable)] : logProjections,
    {
      checkpoint: LOGS_CHECKPOINT,
      // Under a flood the runner shares the database with the writers; larger transactions let it keep pace (on
      // PostgreSQL, 1,000 events per transaction left it seconds behind 12,000 reported events/s; 5,000 halved that).
      maxBatchSize: 5000,
      lingerMs: LOGS_LINGER_MS,
      coalesceMs: LOGS_COALESCE_MS,
    },
  );
