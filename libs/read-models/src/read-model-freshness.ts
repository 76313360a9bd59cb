import type { SqlDatabase } from '@roster/sql';
import { READ_MODELS_CHANNEL, REGISTRY_CHECKPOINT, parseNotification, readCheckpoint } from './checkpoints';
import type { ProjectionRunner } from './projection-runner';

export interface ReadModelFreshnessOptions {
  /** Checkpoint to watch. Default `registry`. */
  checkpoint?: string;
  /** The runner of this process, if any: its commits wake waiters at once, without a query. */
  runner?: ProjectionRunner;
  /** Poll period while someone waits, in case a notification is lost. Default 250 ms. */
  pollIntervalMs?: number;
}

interface Waiter {
  position: bigint;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * Read-your-writes: after a write at position P, `waitForPosition(P)` resolves once the read models include it.
 * The known checkpoint only grows; it is fed by the in-process runner, by NOTIFY from runners in other processes
 * and, while someone waits, by polling the checkpoint row. A call for a position already reached costs nothing.
 */
export class ReadModelFreshness {
  private readonly checkpoint: string;
  private readonly pollIntervalMs: number;
  private known = -1n;
  private waiters: Waiter[] = [];
  private listening?: Promise<void>;
  private unlisten?: () => Promise<void>;
  private detachRunner?: () => void;
  private polling = false;
  private closed = false;

  private readonly runner?: ProjectionRunner;

  constructor(
    private readonly db: SqlDatabase,
    options: ReadModelFreshnessOptions = {},
  ) {
    this.runner = options.runner;
    this.checkpoint = options.checkpoint ?? options.runner?.checkpointName ?? REGISTRY_CHECKPOINT;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    if (options.runner) {
      this.observe(options.runner.position);
      this.detachRunner = options.runner.onCommitted((position) => this.observe(position));
    }
  }

  /** The highest checkpoint position seen so far (-1 when none). */
  get position(): bigint {
    return this.known;
  }

  /**
   * Resolves `true` once the checkpoint is at or past `position`, `false` when `timeoutMs` passes first (the write
   * itself succeeded; only its visibility in reads is late).
   */
  waitForPosition(position: bigint, timeoutMs = 5000): Promise<boolean> {
    if (position <= this.known) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => this.settle(waiter, false), timeoutMs),
      };
      this.waiters.push(waiter);
      // The runner of this process reports every commit; other processes' runners are heard by NOTIFY or polling.
      if (this.runner) {
        this.runner.hurry();
        return;
      }
      void this.startListening();
      void this.poll();
    });
  }

  /** Stops listening; pending waits resolve `false`. */
  async close(): Promise<void> {
    this.closed = true;
    this.detachRunner?.();
    for (const waiter of [...this.waiters]) this.settle(waiter, false);
    await this.listening?.catch(() => undefined);
    await this.unlisten?.().catch(() => undefined);
  }

  private observe(position: bigint): void {
    if (position <= this.known) return;
    this.known = position;
    for (const waiter of this.waiters.filter((w) => w.position <= position)) this.settle(waiter, true);
  }

  private settle(waiter: Waiter, reached: boolean): void {
    clearTimeout(waiter.timer);
    this.waiters = this.waiters.filter((w) => w !== waiter);
    waiter.resolve(reached);
  }

  private startListening(): Promise<void> {
    this.listening ??= this.db
      .listen(READ_MODELS_CHANNEL, (payload) => {
        const notification = parseNotification(payload);
        if (notification?.name === this.checkpoint) this.observe(notification.position);
      })
      .then(async (unlisten) => {
        this.unlisten = unlisten;
        if (this.closed) await unlisten();
      })
      .catch(() => {
        // Polling still works; try LISTEN again with the next wait.
        this.listening = undefined;
      });
    return this.listening;
  }

  /** One poll loop at a time, running only while someone waits. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (this.waiters.length > 0 && !this.closed) {
        const stored = await readCheckpoint(this.db, this.checkpoint).catch(() => undefined);
        if (stored !== undefined) this.observe(stored);
        if (this.waiters.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs).unref());
      }
    } finally {
      this.polling = false;
    }
  }
}
