import { EventSubscription, RecordedEvent } from './event-store.port';

/** One page of the global log after a checkpoint. */
export interface LogPage {
  events: RecordedEvent[];
  /** Everything up to here was looked at (filtered-out events included), so the next page starts after it. */
  scannedTo: bigint;
  /** The page reached the head of the log: read again only when woken. */
  reachedHead: boolean;
}

/**
 * A catch-up subscription over a pull API: reads pages from a cursor while there are events, then sleeps until
 * `wake()` (an append was committed) or the poll interval elapses. One cursor serves catch-up and live alike, so
 * events come in log order with no gap or repeat between the two phases. A page is read only when the consumer
 * has taken every event of the previous one: that is the back-pressure. One consumer per subscription.
 */
export class PollingSubscription implements EventSubscription {
  private closed = false;
  /** Set by `wake()`, cleared before each read: a wake during a read or during the consumer's work is not lost. */
  private woken = false;
  /** Waiting at the head for a wake or the next poll. */
  private readonly sleeping = new Pause();
  /** The wait after a wake at the head, which further wakes do not end (only close does). */
  private readonly coalescing = new Pause();
  private undelivered = 0;

  constructor(
    private readonly readPage: (after: bigint) => Promise<LogPage>,
    private cursor: bigint,
    private readonly pollIntervalMs: number,
    private readonly onClose: (subscription: PollingSubscription) => void,
    /** After a wake at the head, how long to let further appends gather before reading (see SubscribeOptions). */
    private readonly coalesceMs = 0,
  ) {}

  get buffered(): number {
    return this.undelivered;
  }

  wake(): void {
    this.woken = true;
    this.sleeping.end();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sleeping.end();
    this.coalescing.end();
    this.onClose(this);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      let reachedHead = false;
      while (!this.closed) {
        if (reachedHead && !this.woken) await this.sleeping.for(this.pollIntervalMs);
        if (reachedHead && this.coalesceMs > 0 && !this.closed) await this.coalescing.for(this.coalesceMs);
        if (this.closed) return;
        this.woken = false;
        let page: LogPage;
        try {
          page = await this.readPage(this.cursor);
        } catch (error) {
          // A read cut short by close() (say, the database went away with the store) is an end, not a failure.
          if (this.closed) return;
          throw error;
        }
        for (const [index, event] of page.events.entries()) {
          if (this.closed) return;
          this.undelivered = page.events.length - index - 1;
          yield event;
        }
        this.cursor = page.scannedTo;
        reachedHead = page.reachedHead;
      }
    } finally {
      // A consumer that breaks out of `for await` (or a failed read) ends the subscription too.
      await this.close();
    }
  }
}

/** A wait that ends when its time is up or at `end()`, whichever comes first; `end()` without a wait does nothing. */
class Pause {
  private ending?: () => void;

  for(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.end(), ms);
      this.ending = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  end(): void {
    const ending = this.ending;
    this.ending = undefined;
    ending?.();
  }
}
