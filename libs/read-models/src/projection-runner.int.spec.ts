import { randomUUID } from 'crypto';
import { SqlEventStore } from '@roster/event-store';
import { PgliteDatabase } from '@roster/sql';
import { readCheckpoint } from './checkpoints';
import type { Projection } from './projection';
import { ProjectionRunner, ProjectionRunnerOptions } from './projection-runner';
import { ReadModelFreshness } from './read-model-freshness';
import { countingProjection, counts, tick } from './read-models.fixtures';
import { dumpReadModels, rebuildReadModels } from './rebuild';

/** The runner against embedded PGlite and a real SqlEventStore. */
describe('ProjectionRunner on PGlite', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let checkpoint: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  const runner = (projections: readonly Projection[], options: ProjectionRunnerOptions = {}): ProjectionRunner => {
    const r = new ProjectionRunner(db, store, projections, { checkpoint, retryDelayMs: 10, ...options });
    cleanups.push(() => r.stop());
    return r;
  };
  const freshness = (r?: ProjectionRunner, pollIntervalMs?: number): ReadModelFreshness => {
    const f = new ReadModelFreshness(db, { checkpoint, runner: r, pollIntervalMs });
    cleanups.push(() => f.close());
    return f;
  };

  beforeAll(async () => {
    db = await PgliteDatabase.open();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    // A fresh log and a fresh checkpoint per test; a new checkpoint row also recreates the projection tables.
    const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
    store = await SqlEventStore.create(db, { schema: `es_${suffix}`, pollIntervalMs: 50 });
    checkpoint = `test_${suffix}`;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
  });

  it('applies what the log holds and commits the checkpoint with the rows', async () => {
    const head = await tick(store, 'a', 'b', 'c');
    const r = runner([countingProjection(1)]);
    const committed: bigint[] = [];
    r.onCommitted((p) => committed.push(p));
    await r.start();

    expect(await freshness(r).waitForPosition(head, 5000)).toBe(true);
    expect(await counts(db)).toEqual({ a: 1, b: 1, c: 1 });
    expect(await readCheckpoint(db, checkpoint)).toBe(head);
    expect(r.position).toBe(head);
    expect(committed[committed.length - 1]).toBe(head);

    // Live events after catch-up.
    const later = await tick(store, 'd');
    expect(await freshness(r).waitForPosition(later, 5000)).toBe(true);
    expect(await counts(db)).toEqual({ a: 1, b: 1, c: 1, d: 1 });
  });

  it('applies at most maxBatchSize events per transaction', async () => {
    const head = await tick(store, 'a', 'b', 'c', 'd', 'e');
    const r = runner([countingProjection(1)], { maxBatchSize: 2 });
    const committed: bigint[] = [];
    r.onCommitted((p) => committed.push(p));
    await r.start();
    await freshness(r).waitForPosition(head, 5000);
    // 5 events in batches of at most 2: at least 3 commits, and they never go backwards.
    expect(committed.length).toBeGreaterThanOrEqual(3);
    expect([...committed].sort((x, y) => (x < y ? -1 : 1))).toEqual(committed);
    expect(await counts(db)).toEqual({ a: 1, b: 1, c: 1, d: 1, e: 1 });
  });

  it('stops lingering for a fuller batch when a reader waits for the events it holds', async () => {
    const r = runner([countingProjection(1)], { lingerMs: 60_000 });
    await r.start();
    const head = await tick(store, 'a');
    // A minute's linger would time this wait out; the waiting reader cuts it short.
    expect(await freshness(r).waitForPosition(head, 5000)).toBe(true);
    expect(await counts(db)).toEqual({ a: 1 });
  });

  it('rolls a failed batch back whole, then retries it', async () => {
    const head = await tick(store, 'a', 'b', 'c');
    // A retry delay long enough for the error listener to look at the database before the retry.
    const r = runner([countingProjection(1, { failOnce: 'b' })], { retryDelayMs: 300 });
    const seenAtFailure: Array<{ rows: Record<string, number>; checkpoint: bigint | undefined }> = [];
    r.onError(() => {
      void (async () =>
        seenAtFailure.push({ rows: await counts(db), checkpoint: await readCheckpoint(db, checkpoint) }))();
    });
    await r.start();

    expect(await freshness(r).waitForPosition(head, 5000)).toBe(true);
    expect(seenAtFailure).toHaveLength(1);
    // 'a' was applied in the failed transaction too, but neither it nor the checkpoint were committed.
    expect(seenAtFailure[0].rows.b).toBeUndefined();
    expect(seenAtFailure[0].checkpoint ?? 0n).toBeLessThan(head);
    expect(await counts(db)).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('resumes from the stored checkpoint after a restart and applies nothing twice', async () => {
    const first = await tick(store, 'a', 'b');
    const r1 = runner([countingProjection(1)]);
    await r1.start();
    await freshness(r1).waitForPosition(first, 5000);
    await r1.stop();

    const second = await tick(store, 'c', 'a');
    const r2 = runner([countingProjection(1)]);
    await r2.start();
    expect(r2.position).toBe(first);
    await freshness(r2).waitForPosition(second, 5000);
    expect(await counts(db)).toEqual({ a: 2, b: 1, c: 1 });
  });

  it('lets two runners share a checkpoint without applying an event twice', async () => {
    const r1 = runner([countingProjection(1)], { maxBatchSize: 3 });
    const r2 = runner([countingProjection(1)], { maxBatchSize: 2 });
    await r1.start();
    await r2.start();
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    const head = await tick(store, ...keys);
    const f = freshness();
    expect(await f.waitForPosition(head, 10_000)).toBe(true);
    expect(await counts(db)).toEqual(Object.fromEntries(keys.map((k) => [k, 1])));
  });

  it('replays into new tables when a projection version changes, dropping the old ones', async () => {
    const head = await tick(store, 'a', 'b');
    const r1 = runner([countingProjection(1)]);
    await r1.start();
    await freshness(r1).waitForPosition(head, 5000);
    await r1.stop();

    const r2 = runner([countingProjection(2)]);
    await r2.start();
    await freshness(r2).waitForPosition(head, 5000);
    expect(await counts(db, 2)).toEqual({ a: 1, b: 1 });
    const { rows } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'rm_test_ticks_v1'`);
    expect(rows).toHaveLength(0);
  });

  it('rebuild by replay yields the same rows as the incremental build', async () => {
    const projections = [countingProjection(1)];
    const r = runner(projections, { maxBatchSize: 2 });
    await r.start();
    await tick(store, 'a', 'b');
    const head = await tick(store, 'a', 'c', 'b', 'a');
    await freshness(r).waitForPosition(head, 5000);
    await r.stop();
    const incremental = await dumpReadModels(db, projections);
    expect(incremental.rm_test_ticks_v1).toHaveLength(3);

    const result = await rebuildReadModels(db, store, projections, { checkpoint, batchSize: 4 });
    expect(result).toEqual({ position: head, events: 6 });
    expect(await dumpReadModels(db, projections)).toEqual(incremental);
    expect(await readCheckpoint(db, checkpoint)).toBe(head);
  });

  describe('waitForPosition', () => {
    it('answers from memory, without a query, once the in-process runner passed the position', async () => {
      const head = await tick(store, 'a');
      const r = runner([countingProjection(1)]);
      await r.start();
      const f = freshness(r);
      await f.waitForPosition(head, 5000);

      const query = jest.spyOn(db, 'query');
      try {
        expect(await f.waitForPosition(head, 5000)).toBe(true);
        expect(await f.waitForPosition(head - 1n, 5000)).toBe(true);
        expect(query).not.toHaveBeenCalled();
      } finally {
        query.mockRestore();
      }
    });

    it('is woken by NOTIFY from a runner it does not know (another process)', async () => {
      const r = runner([countingProjection(1)]);
      await r.start();
      // Polling only once an hour: only the notification can wake it in time.
      const f = freshness(undefined, 3_600_000);
      expect(await f.waitForPosition(0n, 1000)).toBe(true);
      const head = await tick(store, 'a');
      const started = Date.now();
      expect(await f.waitForPosition(head, 5000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(f.position).toBe(head);
    });

    it('finds the position by polling when no notification comes', async () => {
      const head = await tick(store, 'a');
      const r = runner([countingProjection(1)]);
      await r.start();
      await freshness(r).waitForPosition(head, 5000);
      // A newcomer that missed the notification: the first poll sees the stored checkpoint.
      const f = freshness(undefined, 20);
      expect(await f.waitForPosition(head, 2000)).toBe(true);
    });

    it('resolves false when the position is not reached in time', async () => {
      const r = runner([countingProjection(1)]);
      await r.start();
      const f = freshness(r, 20);
      const started = Date.now();
      expect(await f.waitForPosition(1_000_000n, 150)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });
  });
});
