import { ConcurrencyError, RosterError } from '@roster/errors';
import { SqlDatabase, quoteIdentifier } from '@roster/sql';
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
import { DEFAULT_READ_ALL_LIMIT, assertAppendable, describeExpected, normalizeFilter } from './event-store.support';
import { LogPage, PollingSubscription } from './polling-subscription';
import { createSchemaStatements } from './sql-event-store.schema';

export interface SqlEventStoreOptions {
  /** Schema holding the tables (default `event_store`); lower-case letters, digits and underscores. */
  schema?: string;
  /** Fallback poll of idle subscriptions when no wake-up arrives (default 500 ms). */
  pollIntervalMs?: number;
  /** Events a subscription reads per page (default 500). */
  pageSize?: number;
}

/** Columns of an event row; int8 columns are cast to text because pg returns strings and PGlite numbers. */
interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
}

const EVENT_COLUMNS = `e.position::text AS position, e.stream_id, e.revision::text AS revision, e.event_id::text AS id,
  e.type, e.data, e.metadata, e.recorded_at`;
/** The same columns with empty payloads, for subscribers that omit data (they are most of a log event's bytes). */
const EVENT_COLUMNS_WITHOUT_DATA = EVENT_COLUMNS.replace(
  'e.data, e.metadata',
  `'{}'::jsonb AS data, '{}'::jsonb AS metadata`,
);

/** A filtered read scans this many pages' worth of positions at most, and this many positions at least (see `readPage`). */
const FILTERED_WINDOW_PAGES = 4;
const FILTERED_WINDOW_MIN = 2_000;

/** Most appends written in one group commit. */
const MAX_GROUP_COMMIT = 200;

interface AppendOutcome {
  outcome: string;
  last_revision: string;
  last_position: string | null;
}

interface QueuedAppend {
  streamId: string;
  expected: string;
  payload: string;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
  /** Set after its batch failed: written on its own so its error is its own. */
  alone?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,50}$/;

/**
 * The event store on PostgreSQL or PGlite (one class, any `SqlDatabase`). See `sql-event-store.schema.ts` for why
 * the global log never lets a subscriber skip an event.
 *
 * Ownership: the store never closes the database it is given; whoever opened it closes it, after `store.close()`.
 */
export class SqlEventStore implements EventStore {
  /** Live subscriptions with their stream filter, so an append wakes only those it can concern. */
  private readonly subscriptions = new Map<PollingSubscription, GlobalLogFilter>();
  private unlisten?: Promise<(() => Promise<void>) | undefined>;
  private closed = false;

  private constructor(
    private readonly db: SqlDatabase,
    private readonly schema: string,
    private readonly channel: string,
    private readonly pollIntervalMs: number,
    private readonly pageSize: number,
  ) {}

  /** Creates the schema if missing (safe to call from several processes at once) and returns the store. */
  static async create(db: SqlDatabase, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    const name = options.schema ?? 'event_store';
    if (!SCHEMA_NAME.test(name)) {
      throw new RosterError('validation', 'invalid_schema_name', `Invalid event store schema name: ${name}`);
    }
    const names = {
      schema: quoteIdentifier(name),
      channel: `${name}_appended`,
      appendLock: `roster.event_store.${name}.append`,
    };
    await db.transaction(async (tx) => {
      // Concurrent CREATE ... IF NOT EXISTS / CREATE OR REPLACE can still collide in the catalog: take turns.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`roster.event_store.${name}.schema`]);
      for (const statement of createSchemaStatements(names)) await tx.query(statement);
    });
    return new SqlEventStore(db, names.schema, names.channel, options.pollIntervalMs ?? 500, options.pageSize ?? 500);
  }

  /**
   * Appends go through a group commit: while one batch is being written, the appends that arrive queue up and are
   * then written together, in one statement and one transaction (each append still checks its own expected
   * revision inside `append_batch`). Under load this turns many commits into one, which is what an embedded or
   * remote database pays for most.
   */
  append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    assertAppendable(streamId, events);
    const payload = JSON.stringify(
      events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata: metadata ?? {} })),
    );
    return new Promise<AppendResult>((resolve, reject) => {
      this.queued.push({ streamId, expected: describeExpected(expectedRevision), payload, resolve, reject });
      void this.flush();
    });
  }

  private readonly queued: QueuedAppend[] = [];
  /** Highest position this process appended (its subscriptions were woken for it already). */
  private appendedUpTo = 0n;
  private flushing = false;

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queued.length > 0) {
        // Appends retried alone after a failed batch sit at the front of the queue.
        const batch = this.queued.splice(0, this.queued[0].alone ? 1 : MAX_GROUP_COMMIT);
        try {
          const outcomes = await this.appendBatch(batch);
          const appendedStreams: string[] = [];
          batch.forEach((append, i) => {
            const { outcome, last_revision, last_position } = outcomes[i];
            if (outcome === 'conflict' || last_position === null) {
              append.reject(new ConcurrencyError(append.streamId, append.expected, last_revision));
              return;
            }
            if (outcome === 'appended') {
              appendedStreams.push(append.streamId);
              const position = BigInt(last_position);
              if (position > this.appendedUpTo) this.appendedUpTo = position;
            }
            append.resolve({ nextExpectedRevision: BigInt(last_revision), position: BigInt(last_position) });
          });
          if (appendedStreams.length > 0) this.wakeSubscriptions(appendedStreams);
        } catch (error) {
          if (batch.length === 1) batch[0].reject(error);
          // One bad append must not fail its neighbours: retry them one by one.
          else this.queued.unshift(...batch.map((append) => ({ ...append, alone: true })));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async appendBatch(batch: QueuedAppend[]): Promise<AppendOutcome[]> {
    // One statement and one call: the appends run in array order inside one transaction. The payloads travel as one
    // JSON array, not as a text[]: the driver escapes an array element character by character, and payloads are most
    // of the bytes (3% of the process's time under the ingestion benchmark).
    const { rows } = await this.db.query<AppendOutcome>(
      `SELECT outcome, last_revision, last_position FROM ${this.schema}.append_batch($1::text[], $2::text[], $3::jsonb)
        ORDER BY append_index`,
      [batch.map((a) => a.streamId), batch.map((a) => a.expected), `[${batch.map((a) => a.payload).join(',')}]`],
    );
    return rows;
  }

  async readStream(streamId: string, fromRevision = 0n): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.schema}.events e
        WHERE e.stream_id = $1 AND e.revision >= $2::bigint ORDER BY e.revision`,
      [streamId, fromRevision.toString()],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? DEFAULT_READ_ALL_LIMIT;
    if (limit < 1) return [];
    const filter = normalizeFilter(options.filter);
    const events: RecordedEvent[] = [];
    for (let after = options.after ?? 0n; ;) {
      const page = await this.readPage(after, limit - events.length, filter);
      events.push(...page.events);
      if (page.reachedHead || events.length === limit) return events;
      after = page.scannedTo;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    if (this.closed) throw new RosterError('unavailable', 'event_store_closed', 'The event store is closed');
    const filter = normalizeFilter(options.filter);
    const subscription = new PollingSubscription(
      (after) => this.readPage(after, this.pageSize, filter, options.omitData),
      options.after ?? 0n,
      this.pollIntervalMs,
      (ended) => this.subscriptions.delete(ended),
      options.coalesceMs,
    );
    this.subscriptions.set(subscription, filter);
    // Other processes' appends arrive by NOTIFY (if LISTEN fails, the poll interval still finds them). PGlite has no
    // other process: its appends all pass through `append`, which wakes subscriptions itself, so listening would only
    // wake them twice.
    if (this.db.kind !== 'pglite') {
      // A NOTIFY for a position this process appended itself has already woken everyone: skip it.
      this.unlisten ??= this.db
        .listen(this.channel, (payload) => {
          if (!/^\d+$/.test(payload) || BigInt(payload) > this.appendedUpTo) this.wakeSubscriptions();
        })
        .catch(() => undefined);
    }
    return subscription;
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.db.query<{ position: string }>(
      `SELECT position::text AS position FROM ${this.schema}.log_head`,
    );
    return BigInt(rows[0].position);
  }

  /** The table holding the events, schema-qualified and quoted: for read models in the same database to read. */
  get eventsTable(): string {
    return `${this.schema}.events`;
  }

  /** Ends every subscription and stops listening. Does not close the database (the caller owns it). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions.keys()].map((subscription) => subscription.close()));
    const unlisten = await this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  /**
   * Wakes the subscriptions that may want what was appended: all of them for another process's append (we do not know
   * its streams), only those whose stream filter matches for our own, so a burst of log events does not make every
   * registry subscription read an empty page.
   */
  private wakeSubscriptions(streamIds?: readonly string[]): void {
    for (const [subscription, filter] of this.subscriptions) {
      const prefixes = filter.streamPrefixes;
      if (!streamIds || !prefixes || streamIds.some((id) => prefixes.some((prefix) => id.startsWith(prefix))))
        subscription.wake();
    }
  }

  /**
   * Events after `after`, bounded by the log head read in the same statement (so in the same snapshot) and by a
   * window of positions. When the page is not full the whole window was scanned, and a filtered subscriber can skip
   * past it. (`LIMIT 1` tells the planner the head is one row: unanalyzed, it guesses thousands and pays for JIT.)
   *
   * Why a window: until a table is first analyzed, PostgreSQL plans this read as a bitmap scan of every event up to
   * the head, sorted, then cut to the page. A subscriber 350,000 events behind (the log read model under an
   * ingestion flood) paid 164 ms per page of 500, so the further behind, the slower it caught up. Positions are dense
   * (appends number them one by one), so a window of the page's size holds exactly one page: unfiltered reads scan
   * nothing more. Filtered ones scan a few pages' worth, so a subscriber skips others' events in few reads.
   */
  private async readPage(after: bigint, limit: number, filter: GlobalLogFilter, omitData = false): Promise<LogPage> {
    const filtered = filter.streamPrefixes !== undefined || filter.eventTypes !== undefined;
    const windowEnd = after + BigInt(filtered ? Math.max(limit * FILTERED_WINDOW_PAGES, FILTERED_WINDOW_MIN) : limit);
    const { rows } = await this.db.query<{ head: string } & { [K in keyof EventRow]: EventRow[K] | null }>(
      `SELECT h.position::text AS head, ${omitData ? EVENT_COLUMNS_WITHOUT_DATA : EVENT_COLUMNS}
         FROM (SELECT position FROM ${this.schema}.log_head LIMIT 1) h
         LEFT JOIN LATERAL (
           SELECT * FROM ${this.schema}.events ev
            WHERE ev.position > $1::bigint AND ev.position <= $5::bigint AND ev.position <= h.position
              AND ($2::text[] IS NULL OR ev.stream_id LIKE ANY ($2::text[]))
              AND ($3::text[] IS NULL OR ev.type = ANY ($3::text[]))
            ORDER BY ev.position
            LIMIT $4
         ) e ON true
        ORDER BY e.position`,
      [
        after.toString(),
        filter.streamPrefixes?.map(likePrefix) ?? null,
        filter.eventTypes ?? null,
        limit,
        windowEnd.toString(),
      ],
    );
    const head = BigInt(rows[0].head);
    const events = rows.filter((row): row is { head: string } & EventRow => row.position !== null).map(toRecordedEvent);
    if (events.length === limit) return { events, scannedTo: events[events.length - 1].position, reachedHead: false };
    const scannedTo = head < windowEnd ? head : windowEnd;
    return { events, scannedTo: scannedTo > after ? scannedTo : after, reachedHead: head <= windowEnd };
  }
}

/**
 * A LIKE pattern for the stream ids starting with `prefix`, its wildcards escaped. (LIKE ANY over the patterns plans
 * and runs in about two thirds of the time of a starts_with test per prefix, and every subscriber's poll pays it.)
 */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.id,
  streamId: row.stream_id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  revision: BigInt(row.revision),
  position: BigInt(row.position),
  recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
});
