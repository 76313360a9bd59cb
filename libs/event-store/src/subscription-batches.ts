import type { EventSubscription, RecordedEvent } from './event-store.port';

const NOT_READY = Symbol('not ready');

/**
 * Resolves after the current I/O turn, or after `ms` when positive: whatever the subscription has buffered (or
 * receives meanwhile) resolves before it.
 */
const notReadyAfter = (ms: number): Promise<typeof NOT_READY> =>
  new Promise((resolve) =>
    ms > 0 ? setTimeout(() => resolve(NOT_READY), ms).unref() : setImmediate(() => resolve(NOT_READY)),
  );

export interface BatchOptions {
  /** Most events per batch. */
  maxBatchSize: number;
  /** How long a batch waits for more events once it has one (default 0: only what is ready in this turn). */
  lingerMs?: number;
  /**
   * Cuts lingering short: called once per batch, its promise ending the wait early (a reader is waiting for the
   * events already in hand, and a fuller batch is not worth their time).
   */
  hurry?: () => Promise<unknown>;
  /**
   * Default true: while the consumer works on a batch, the next read may already be under way, which keeps a
   * catch-up busy. False (when not lingering, on a subscription that tells what it has `buffered`): the next read
   * starts when the consumer asks for the next batch, so that batch holds what the log had then. At the head of the
   * log that is a whole batch sooner for an event appended during the consumer's work, which is what a reader waiting
   * for its own write sees.
   */
  readAhead?: boolean;
}

/**
 * A subscription read in batches: each batch is the next event plus whatever follows it without waiting (or within
 * `lingerMs`), up to `maxBatchSize`. Consumers that write in bulk (a transaction, a produce request) write one batch
 * at a time; the subscription's back-pressure holds, as the next batch is read only when asked for.
 */
export async function* batchesOf(
  subscription: EventSubscription,
  { maxBatchSize, lingerMs = 0, hurry, readAhead = true }: BatchOptions,
): AsyncGenerator<RecordedEvent[]> {
  const events = subscription[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<RecordedEvent>> | undefined;
  for (;;) {
    const first = await (pending ?? events.next());
    pending = undefined;
    if (first.done) return;
    const batch = [first.value];
    const lingered =
      lingerMs <= 0
        ? undefined
        : hurry
          ? Promise.race([notReadyAfter(lingerMs), hurry().then(() => notReadyAfter(0))])
          : notReadyAfter(lingerMs);
    let done = false;
    while (batch.length < maxBatchSize) {
      // Without read-ahead, the batch takes what the subscription holds, and no read starts before the next batch.
      if (!readAhead && !lingered && subscription.buffered === 0) break;
      pending = events.next();
      // A rejection is handled when the promise is awaited in the next round; keep Node from reporting it early.
      pending.catch(() => undefined);
      const next = await Promise.race([pending, lingered ?? notReadyAfter(0)]);
      if (next === NOT_READY) break;
      pending = undefined;
      if (next.done) {
        done = true;
        break;
      }
      batch.push(next.value);
    }
    yield batch;
    if (done) return;
  }
}
