/**
 * The event store port. Every adapter (EventStoreDB, PostgreSQL, PGlite) passes the same contract suite
 * (`event-store.contract.ts`), so the rest of the code never knows which one it runs on.
 *
 * Positions and revisions are bigints: EventStoreDB's commit positions exceed 2^53.
 */

/** What an append expects of the stream: optimistic concurrency as in EventStoreDB. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventToAppend {
  /** A UUID chosen by the writer; re-appending the same ids to the same stream is idempotent. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** 0-based position of the event inside its stream. */
  revision: bigint;
  /** Position in the global log: strictly increasing in the order subscribers see events. */
  position: bigint;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextExpectedRevision: bigint;
  /** Global position of the last appended event (of the original append when the call was idempotent). */
  position: bigint;
}

export interface GlobalLogFilter {
  /** Keep events whose stream id starts with one of these prefixes. */
  streamPrefixes?: readonly string[];
  /** Keep events of these types. */
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive checkpoint: only events with a greater position. Omitted = from the start. */
  after?: bigint;
  /** At most this many events (default 1000). */
  limit?: number;
  filter?: GlobalLogFilter;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint, usually the position of the last event the subscriber processed. */
  after?: bigint;
  filter?: GlobalLogFilter;
  /**
   * The subscriber needs what identifies each event (id, stream, type, revision, position, time), not its payload: a
   * store may then deliver `data` and `metadata` empty and not read them at all.
   */
  omitData?: boolean;
  /**
   * Live events may reach the subscriber up to this many milliseconds late, so that appends arriving close together
   * are read at once rather than one read each: for subscribers that gather batches anyway. Default 0. A store that
   * pushes events (EventStoreDB) ignores it.
   */
  coalesceMs?: number;
}

/**
 * A catch-up subscription: first what is stored after the checkpoint, then live events, in global order.
 * Iterating applies back-pressure: the next event is fetched only when the consumer asks for it.
 */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  /** Ends the iteration; a pending `next()` resolves `done`. */
  close(): Promise<void>;
  /**
   * Events read and not yet delivered: `next()` hands them out without reading. Left out by subscriptions that
   * cannot tell (see `batchesOf`'s `readAhead`).
   */
  readonly buffered?: number;
}

export interface EventStore {
  /**
   * Appends atomically. Throws `ConcurrencyError` (from @roster/errors) when the expected revision does not hold,
   * unless every event id is already stored in that stream by an earlier identical append (idempotent retry).
   */
  append(streamId: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** All events of a stream in revision order, from `fromRevision` (inclusive, default 0). Empty if none. */
  readStream(streamId: string, fromRevision?: bigint): Promise<RecordedEvent[]>;
  /** A page of the global log after a checkpoint. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /** Position of the last event in the global log, 0n when empty. */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
