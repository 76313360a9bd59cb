import type { EventStore, GlobalLogFilter, RecordedEvent } from '@roster/event-store';

/**
 * How far a consumer of the global log (a projection runner, the Kafka relay) is behind, counting only the events it
 * takes. A filtered consumer's position stays at the last event it took, however many other events follow, so "head
 * minus position" alone would report a lag that never drains; a lag is reported only while an event it takes is
 * waiting, and then as head − position (in positions) and as the age of the oldest waiting event (seconds).
 *
 * Cheap on every scrape: the span found free of such events, and the first waiting event, are remembered (events at or
 * below the head never change), so each measure reads only what was appended since the previous one. Every read starts
 * after a position the store handed out: on EventStoreDB a position is a byte offset, and a read from inside a record
 * is refused.
 */
export interface EventLogLag {
  /** Head position − the consumer's position; 0 when nothing it takes is waiting. */
  positions: number;
  /** Age of the oldest event waiting for it; 0 when none. */
  seconds: number;
}

export class EventLogLagMeter {
  /** (from, to]: known to hold no event the consumer takes. */
  private clear?: { from: bigint; to: bigint };
  /** The first event the consumer takes after `from`: it waits while the consumer's position is in [from, it). */
  private waiting?: { from: bigint; event: RecordedEvent };
  private measuring?: Promise<EventLogLag>;

  constructor(
    private readonly store: Pick<EventStore, 'readAll' | 'headPosition'>,
    private readonly filter: GlobalLogFilter,
    private readonly now: () => number = Date.now,
  ) {}

  /** One measure at a time: a scrape arriving while one runs shares it. */
  measure(position: bigint): Promise<EventLogLag> {
    this.measuring ??= this.read(position).finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  private async read(position: bigint): Promise<EventLogLag> {
    const head = await this.store.headPosition();
    const consumed = position < 0n ? 0n : position;
    const waiting = this.waiting;
    if (waiting && consumed >= waiting.from && consumed < waiting.event.position)
      return this.lag(head, consumed, waiting.event);
    // Skip the span already seen free, unless the consumer moved back before it (a rebuild reset its checkpoint).
    const known = this.clear && consumed >= this.clear.from && consumed < this.clear.to ? this.clear : undefined;
    const after = known ? known.to : consumed;
    const from = known?.from ?? consumed;
    const [next] = await this.store.readAll({ after, limit: 1, filter: this.filter });
    if (!next || next.position > head) {
      this.clear = { from, to: head > after ? head : after };
      this.waiting = undefined;
      return { positions: 0, seconds: 0 };
    }
    this.clear = { from, to: after };
    this.waiting = { from, event: next };
    return this.lag(head, consumed, next);
  }

  private lag(head: bigint, consumed: bigint, oldestWaiting: RecordedEvent): EventLogLag {
    return {
      positions: Math.max(0, Number(head - consumed)),
      seconds: Math.max(0, (this.now() - oldestWaiting.recordedAt.getTime()) / 1000),
    };
  }
}
