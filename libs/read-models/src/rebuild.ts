import type { EventStore } from '@roster/event-store';
import { SqlDatabase, SqlQueryable, quoteIdentifier } from '@roster/sql';
import { ProjectionSet } from './apply-batch';
import { REGISTRY_CHECKPOINT, prepareCheckpoint } from './checkpoints';
import type { Projection } from './projection';

export interface RebuildOptions {
  /** Default `registry`. */
  checkpoint?: string;
  /** Events per transaction. Default 500. */
  batchSize?: number;
  onProgress?: (position: bigint, events: number) => void;
}

export interface RebuildResult {
  /** Checkpoint after the replay. */
  position: bigint;
  /** Events read from the log. */
  events: number;
}

/**
 * Drops and recreates the projections' tables, resets their checkpoint and replays the whole global log into them,
 * one transaction per batch. A runner working on the same checkpoint meanwhile notices the reset and resubscribes;
 * both skip what the other committed, so the result is the same as an incremental build.
 */
export const rebuildReadModels = async (
  db: SqlDatabase,
  store: EventStore,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildResult> => {
  const set = new ProjectionSet(options.checkpoint ?? REGISTRY_CHECKPOINT, projections);
  const batchSize = options.batchSize ?? 500;
  let position = await prepareCheckpoint(db, set.checkpoint, projections, { reset: true });
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after: position, limit: batchSize, filter: set.filter });
    if (page.length === 0) break;
    position = await set.applyBatch(db, page, position);
    events += page.length;
    options.onProgress?.(position, events);
  }
  return { position, events };
};

/**
 * Every row of every projection table, each table sorted by its full JSON text: a deterministic picture for
 * comparing two builds of the same log.
 */
export const dumpReadModels = async (
  db: SqlQueryable,
  projections: readonly Projection[],
): Promise<Record<string, unknown[]>> => {
  const dump: Record<string, unknown[]> = {};
  for (const table of projections.flatMap((p) => p.tables)) {
    const { rows } = await db.query<{ row: unknown }>(
      `SELECT to_jsonb(t) AS row FROM ${quoteIdentifier(table.name)} t ORDER BY to_jsonb(t)::text`,
    );
    dump[table.name] = rows.map((r) => r.row);
  }
  return dump;
};
