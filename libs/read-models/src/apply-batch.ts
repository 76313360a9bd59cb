import type { GlobalLogFilter, RecordedEvent } from '@roster/event-store';
import type { SqlDatabase } from '@roster/sql';
import { lockCheckpoint, saveCheckpoint } from './checkpoints';
import type { Projection } from './projection';

/** Projections sharing one checkpoint, with their events routed by type. */
export class ProjectionSet {
  private readonly byType = new Map<string, Projection[]>();

  constructor(
    readonly checkpoint: string,
    readonly projections: readonly Projection[],
  ) {
    for (const projection of projections)
      for (const type of projection.handles) this.byType.set(type, [...(this.byType.get(type) ?? []), projection]);
  }

  /**
   * The global-log filter covering every event any of the projections handles. By stream only: every event of those
   * streams advances the checkpoint, even one no projection handles, so a writer can wait for any position it wrote.
   */
  get filter(): GlobalLogFilter {
    return { streamPrefixes: [...new Set(this.projections.flatMap((p) => p.streamPrefixes))] };
  }

  /** None of the projections reads the events' payload: the subscription can leave it out. */
  get omitsEventData(): boolean {
    return this.projections.every((projection) => projection.readsEventData === false);
  }

  /**
   * Applies the events that are newer than the stored checkpoint, then stores the new position and notifies, all in
   * one transaction: rows and checkpoint commit together, so no event is applied twice or lost. `committed` is the
   * position the caller believes is stored; a stored position behind it means a reset (see `lockCheckpoint`).
   * Resolves to the stored position after the commit.
   *
   * On PostgreSQL the commit does not wait for the WAL flush (`synchronous_commit = off` for this transaction): a
   * crash of the database can only take back whole recent batches, rows with their checkpoint, and the events are
   * then applied again from the checkpoint that survived. The event store's own commits stay synchronous: its group
   * commits spend most of their time waiting for WAL flushes, and read-model commits no longer add flushes of their own.
   */
  applyBatch(db: SqlDatabase, events: readonly RecordedEvent[], committed: bigint): Promise<bigint> {
    return db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('SET LOCAL synchronous_commit = off');
      const stored = await lockCheckpoint(tx, this.checkpoint, committed);
      const fresh = events.filter((e) => e.position > stored);
      if (fresh.length === 0) return stored;
      // Run by run of one event type (projections read only their own tables, so each may take a run at once);
      // projections that take a whole batch get theirs after.
      const batched = new Map<Projection, RecordedEvent[]>();
      for (const run of runsOfOneType(fresh))
        for (const projection of this.byType.get(run[0].type) ?? []) {
          if (projection.applyMany) batched.set(projection, (batched.get(projection) ?? []).concat(run));
          else if (projection.applyRun) await projection.applyRun(tx, run);
          else for (const event of run) await projection.apply(tx, event);
        }
      for (const [projection, events] of batched) await projection.applyMany!(tx, events);
      const last = fresh[fresh.length - 1].position;
      await saveCheckpoint(tx, this.checkpoint, last);
      return last;
    });
  }
}

/** Consecutive events of one type, in log order. */
const runsOfOneType = (events: readonly RecordedEvent[]): RecordedEvent[][] => {
  const runs: RecordedEvent[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last && last[0].type === event.type) last.push(event);
    else runs.push([event]);
  }
  return runs;
};
