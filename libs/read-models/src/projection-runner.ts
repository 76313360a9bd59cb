import { batchesOf, type EventStore, type EventSubscription } from '@roster/event-store';
import type { SqlDatabase } from '@roster/sql';
import { ProjectionSet } from './apply-batch';
import { REGISTRY_CHECKPOINT, prepareCheckpoint, readCheckpoint } from './checkpoints';
import type { Projection } from './projection';

export interface ProjectionRunnerOptions {
  /** Checkpoint row name; projections sharing a runner share it. Default `registry`. */
  checkpoint?: string;
  /** Most events per transaction. Default 200. */
  maxBatchSize?: number;
  /** First retry delay after a failure, doubled per consecutive failure up to `maxRetryDelayMs`. Default 100 ms. */
  retryDelayMs?: number;
  /** Default 5000 ms. */
  maxRetryDelayMs?: number;
  /**
   * How long a batch waits for more events once it has one (default 0: only what is ready now). A few milliseconds
   * turn a stream of small appends into a few large transactions, for read models that are not read-your-writes.
   */
  lingerMs?: number;
  /**
   * How long the subscription lets appends gather before it reads them (default 0): a runner that lingers does not
   * need every append read on its own. A waiting reader's `hurry()` does not cut it short: keep it a few milliseconds.
   */
  coalesceMs?: number;
}

export type Unsubscribe = () => void;

/**
 * Keeps projections up to date with a catch-up subscription to the global log. Events are applied in batches (what
 * the subscription has ready, up to `maxBatchSize`), each batch in one transaction together with the checkpoint.
 * Any failure (database, event store, a projection) drops the subscription, waits with exponential backoff and
 * resubscribes from the stored checkpoint, so a batch is retried as a whole and nothing is applied twice.
 */
export class ProjectionRunner {
  private readonly set: ProjectionSet;
  private readonly maxBatchSize: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly lingerMs: number;
  private readonly coalesceMs: number;
  private committed = -1n;
  private stopped = true;
  private loop?: Promise<void>;
  private subscription?: EventSubscription;
  private wakeSleep?: () => void;
  private wakeLinger?: () => void;
  private hurryRequested = false;
  private readonly committedListeners = new Set<(position: bigint) => void>();
  private readonly errorListeners = new Set<(error: unknown) => void>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    projections: readonly Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    this.set = new ProjectionSet(options.checkpoint ?? REGISTRY_CHECKPOINT, projections);
    this.maxBatchSize = options.maxBatchSize ?? 200;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.lingerMs = options.lingerMs ?? 0;
    this.coalesceMs = options.coalesceMs ?? 0;
  }

  get checkpointName(): string {
    return this.set.checkpoint;
  }

  /** Last committed position (-1 before `start`). */
  get position(): bigint {
    return this.committed;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /**
   * Creates the schema, resets the checkpoint when the projection versions changed (rebuild by replay), then runs in
   * the background. Rejects only when that preparation fails.
   */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.advance(await prepareCheckpoint(this.db, this.set.checkpoint, this.set.projections));
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops after the batch in flight (if any) commits or fails. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeSleep?.();
    await this.subscription?.close().catch(() => undefined);
    await this.loop;
  }

  /** Called with every newly committed position. */
  onCommitted(listener: (position: bigint) => void): Unsubscribe {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Called with every failure the runner recovers from by retrying. */
  onError(listener: (error: unknown) => void): Unsubscribe {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        // After a failure our in-memory position may be stale (or reset by a rebuild): trust the stored one.
        if (failures > 0) this.committed = (await readCheckpoint(this.db, this.set.checkpoint)) ?? 0n;
        await this.consume(() => {
          failures = 0;
        });
        if (!this.stopped) throw new Error('Subscription to the global log ended unexpectedly');
      } catch (error) {
        if (this.stopped) break;
        failures++;
        notify(this.errorListeners, error);
        await this.sleep(
          Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** (failures - 1)) * (0.75 + Math.random() / 2),
        );
      }
    }
  }

  /** Reads the subscription in batches until it ends or fails. */
  private async consume(onBatchCommitted: () => void): Promise<void> {
    const subscription = this.store.subscribeToAll({
      after: this.committed,
      filter: this.set.filter,
      omitData: this.set.omitsEventData,
      coalesceMs: this.coalesceMs,
    });
    this.subscription = subscription;
    if (this.stopped) await subscription.close();
    try {
      // On PostgreSQL, no read-ahead: a reader waits for its write, and a batch read when the last one committed
      // already holds it. PGlite runs one statement at a time for the whole process: there a read queued early keeps
      // its place ahead of the reads of the API (without it, PATCH p50 went from about 0.2 s to 0.8 s under the
      // saturating projection-lag benchmark).
      const options = {
        maxBatchSize: this.maxBatchSize,
        lingerMs: this.lingerMs,
        hurry: () => this.hurried(),
        readAhead: this.db.kind === 'pglite',
      };
      for await (const batch of batchesOf(subscription, options)) {
        this.advance(await this.set.applyBatch(this.db, batch, this.committed));
        onBatchCommitted();
      }
    } finally {
      this.subscription = undefined;
      await subscription.close().catch(() => undefined);
    }
  }

  /**
   * A reader waits for events this runner may be holding back while it lingers for a fuller batch: apply what it has
   * now. (The linger trades freshness for larger transactions, and is only worth it while nobody waits.)
   */
  hurry(): void {
    this.hurryRequested = true;
    const wake = this.wakeLinger;
    this.wakeLinger = undefined;
    wake?.();
  }

  /** Resolves at once after a `hurry()` not yet answered by a batch, else at the next `hurry()`. */
  private hurried(): Promise<void> {
    if (this.hurryRequested) {
      this.hurryRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.wakeLinger = resolve));
  }

  private advance(position: bigint): void {
    if (position === this.committed) return;
    this.committed = position;
    notify(this.committedListeners, position);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** A listener that throws must not stop the runner nor fail a batch that already committed. */
const notify = <T>(listeners: Iterable<(value: T) => void>, value: T): void => {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch {
      // ignored on purpose: listeners are observers
    }
  }
};
