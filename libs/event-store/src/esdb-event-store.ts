import {
  ANY,
  AllStreamSubscription,
  AppendExpectedRevision,
  BACKWARDS,
  CancelledError,
  END,
  EventStoreDBClient,
  Filter,
  NO_STREAM,
  Position,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  StreamingRead,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { ConcurrencyError, RosterError } from '@roster/errors';
import {
  AppendResult,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  GlobalLogFilter,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
} from './event-store.port';
import {
  DEFAULT_READ_ALL_LIMIT,
  assertAppendable,
  describeExpected,
  matchesFilter,
  normalizeFilter,
} from './event-store.support';

/** What the client hands out for stream and $all reads alike (only the fields used here). */
interface EsdbResolvedEvent {
  event?: {
    id: string;
    streamId: string;
    type: string;
    revision: bigint;
    created: Date;
    isJson: boolean;
    data: unknown;
    metadata: unknown;
    position?: Position;
  };
  commitPosition?: bigint;
}

/**
 * The event store on EventStoreDB (client 6.x). The global position is the commit position of $all. System events
 * (`$` streams and types) and non-JSON events are never surfaced. The 6.x client cannot filter `readAll`, and a
 * subscription filter is either on stream names or on event types, so the exact filter is applied here and the
 * server filter only narrows what crosses the wire.
 *
 * Two limits of the server: a retry with 'any' (or 'stream_exists') is recognised only while its event ids are still
 * in the server's cache of recent writes (a revision or 'no_stream' is always checked against the stream); and a
 * position is a byte offset in the log, so `after` must be 0n or a position this store handed out (the server refuses
 * a read from inside a record).
 */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EventSubscription>();

  private constructor(private readonly client: EventStoreDBClient) {}

  /** e.g. `esdb://localhost:2113?tls=false`. The store owns this client and disposes it on `close()`. */
  static connect(connectionString: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    assertAppendable(streamId, events);
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map(({ id, type, data, metadata }) => jsonEvent({ id, type, data, metadata: metadata ?? {} })),
        { expectedRevision: toEsdbRevision(expectedRevision) },
      );
      // The server reports the last event's commit position; a deduplicated retry may report none: look it up.
      const position = result.position?.commit ?? (await this.positionAt(streamId, result.nextExpectedRevision));
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new ConcurrencyError(streamId, describeExpected(expectedRevision), String(error.actualVersion), {
          cause: error,
        });
      }
      throw error;
    }
  }

  async readStream(streamId: string, fromRevision = 0n): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of reading(this.client.readStream(streamId, { fromRevision }))) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const limit = options.limit ?? DEFAULT_READ_ALL_LIMIT;
    const filter = normalizeFilter(options.filter);
    const events: RecordedEvent[] = [];
    if (limit <= 0) return events;
    for await (const resolved of reading(this.client.readAll({ fromPosition: toReadPosition(after) }))) {
      const event = toRecordedEvent(resolved);
      // readAll starts at (not after) the position given: the checkpoint itself is skipped here.
      if (!event || event.position <= after || !matchesFilter(event, filter)) continue;
      events.push(event);
      if (events.length >= limit) break;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const filter = normalizeFilter(options.filter);
    const subscription = new EsdbSubscription(
      (after) => this.client.subscribeToAll({ fromPosition: toReadPosition(after), filter: toServerFilter(filter) }),
      options.after ?? 0n,
      (resolved) => {
        const event = toRecordedEvent(resolved);
        return event && matchesFilter(event, filter) ? event : undefined;
      },
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint> {
    for await (const resolved of reading(this.client.readAll({ fromPosition: END, direction: BACKWARDS }))) {
      const event = toRecordedEvent(resolved);
      if (event) return event.position;
    }
    return 0n;
  }

  private async positionAt(streamId: string, revision: bigint): Promise<bigint> {
    for await (const resolved of reading(this.client.readStream(streamId, { fromRevision: revision, maxCount: 1 }))) {
      const event = toRecordedEvent(resolved);
      if (event) return event.position;
    }
    throw new RosterError('internal', 'esdb_position_missing', `No event at ${streamId}@${revision}`);
  }

  /** Ends every subscription, then disposes the client. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}

/**
 * Iterates a read of the client and cancels its gRPC call when the loop stops before the end (a `break`, a `return`,
 * a throw). Leaving `for await` destroys only the client's Readable: the call under it stays open, paused, on the
 * server too, until the client is disposed. headPosition (every health check and lag scrape) and a readAll that
 * fills its limit stop early every time.
 */
async function* reading<E>(read: StreamingRead<E>): AsyncGenerator<E> {
  try {
    yield* read;
  } finally {
    if (!read.readableEnded) await read.cancel().catch(() => undefined);
  }
}

/** How long a subscription keeps resubscribing while the server stays unreachable, before it fails. */
const RESUBSCRIBE_FOR_MS = 60_000;
const RESUBSCRIBE_MAX_DELAY_MS = 2_000;

/**
 * Adapts the client's Readable subscription. `close()` destroys that Readable, which ends a pending `next()` (it
 * rejects, and `closed` turns that into the end); cancelling the call alone would leave it waiting. Nothing is raced
 * against a promise that lives as long as the subscription: every `Promise.race` with it would stay attached to it,
 * holding its result, so each delivered event would be kept in memory until the subscription closes.
 *
 * It outlives a server restart. The client's subscription then ends with UnavailableError or CancelledError, the
 * errors on which the client itself drops its connection and opens a new one on the next call. So this subscribes
 * again after the last event it delivered: the new subscription starts after that position and runs in log order, so
 * nothing after it is missed, and the `> delivered` check drops anything the server hands out twice. Any other error,
 * or a server still unreachable after RESUBSCRIBE_FOR_MS, ends the iteration with that error as before; consumers
 * then resume from their own checkpoint.
 */
class EsdbSubscription implements EventSubscription {
  private closed = false;
  private source: AllStreamSubscription;
  /** Position of the last event handed out (or the start checkpoint): where a new subscription starts after. */
  private delivered: bigint;
  /** When the current run of failed subscriptions began; cleared once a subscription gets through. */
  private failingSince?: number;
  private failures = 0;
  /** Ends the pause before the next resubscription early, when the subscription closes meanwhile. */
  private endPause?: () => void;

  constructor(
    private readonly open: (after: bigint) => AllStreamSubscription,
    after: bigint,
    private readonly accept: (resolved: EsdbResolvedEvent) => RecordedEvent | undefined,
    private readonly onClose: () => void,
  ) {
    this.delivered = after;
    this.source = this.subscribe();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.endPause?.();
    this.source.destroy();
    // Cancelling a stream that already failed may fail too: closing still succeeds.
    await this.source.unsubscribe().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      while (!this.closed) {
        const source = this.source;
        try {
          for await (const resolved of source as AsyncIterable<EsdbResolvedEvent>) {
            if (this.closed) return;
            this.connected();
            const event = this.accept(resolved);
            if (event && event.position > this.delivered) {
              this.delivered = event.position;
              yield event;
            }
          }
          return;
        } catch (error) {
          if (this.closed) return;
          if (!(error instanceof UnavailableError || error instanceof CancelledError)) throw error;
          this.failingSince ??= Date.now();
          if (Date.now() - this.failingSince > RESUBSCRIBE_FOR_MS) throw error;
          this.failures += 1;
          await this.pause(Math.min(RESUBSCRIBE_MAX_DELAY_MS, 100 * 2 ** this.failures));
          if (this.closed) return;
          source.destroy();
          this.source = this.subscribe();
        }
      }
    } finally {
      await this.close();
    }
  }

  private subscribe(): AllStreamSubscription {
    const source = this.open(this.delivered);
    // The client re-emits a failed call as an 'error' of the subscription. Unheard (nobody reads it yet) that would
    // crash the process, and a mere listener would leave the subscription hanging: destroyed with the error, it
    // throws it at the next read instead.
    source.on('error', (error) => source.destroy(error));
    // The server confirms a subscription first thing: the server is back.
    source.once('confirmation', () => this.connected());
    return source;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endPause?.(), ms);
      this.endPause = () => {
        clearTimeout(timer);
        this.endPause = undefined;
        resolve();
      };
    });
  }

  private connected(): void {
    this.failingSince = undefined;
    this.failures = 0;
  }
}

const toEsdbRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
};

const toReadPosition = (after: bigint): typeof START | Position =>
  after === 0n ? START : { commit: after, prepare: after };

/** Narrows on the server by stream prefix, else by exact event type; never lets system events through. */
const toServerFilter = (filter: GlobalLogFilter): Filter => {
  if (filter.streamPrefixes) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter.eventTypes) return eventTypeFilter({ regex: `^(${filter.eventTypes.map(escapeRegex).join('|')})$` });
  return excludeSystemEvents();
};

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

const toRecordedEvent = ({ event, commitPosition }: EsdbResolvedEvent): RecordedEvent | undefined => {
  if (!event || !event.isJson || event.type.startsWith('$') || event.streamId.startsWith('$')) return undefined;
  // Only what this port writes (a JSON object) is surfaced; anything else on $all belongs to someone else.
  if (!isObject(event.data)) return undefined;
  const position = event.position?.commit ?? commitPosition;
  if (position === undefined) {
    throw new RosterError(
      'internal',
      'esdb_position_missing',
      `EventStoreDB sent no position for ${event.streamId}@${event.revision}`,
    );
  }
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    data: event.data,
    metadata: isObject(event.metadata) ? event.metadata : {},
    revision: event.revision,
    position,
    recordedAt: event.created,
  };
};
