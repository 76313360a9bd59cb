/**
 * The one behaviour every EventStore adapter must show. Each adapter's int spec calls `eventStoreContract` with a
 * factory; tests use their own random stream prefix (and event types), so they also pass on a store that is shared
 * with other tests or already holds data.
 */
import { randomUUID } from 'crypto';
import { ConcurrencyError } from '@roster/errors';
import { EventStore, EventSubscription, EventToAppend, RecordedEvent } from './event-store.port';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Closes the store and releases whatever the factory opened for it. */
  cleanup: () => Promise<void>;
}

const WAIT_MS = 10_000;

const newEvent = (
  type: string,
  data: Record<string, unknown> = {},
  metadata?: Record<string, unknown>,
): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  ...(metadata ? { metadata } : {}),
});

const sleep = (ms: number): Promise<'quiet'> => new Promise((resolve) => setTimeout(() => resolve('quiet'), ms));

const withTimeout = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** Reads a subscription step by step through one iterator, so catch-up and live reads continue where they stopped. */
class SubscriptionReader {
  private readonly iterator: AsyncIterator<RecordedEvent>;
  private pending?: Promise<IteratorResult<RecordedEvent>>;

  constructor(readonly subscription: EventSubscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  async take(count: number, timeoutMs = WAIT_MS): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      const next = await withTimeout(
        this.next(),
        Math.max(deadline - Date.now(), 1),
        `event ${events.length + 1} of ${count}`,
      );
      this.pending = undefined;
      if (next.done) throw new Error(`Subscription ended after ${events.length} of ${count} events`);
      events.push(next.value);
    }
    return events;
  }

  /** Fails if an event (or the end) arrives within `ms`. */
  async expectQuiet(ms = 300): Promise<void> {
    const outcome = await Promise.race([
      this.next().then((next) => (next.done ? 'ended' : `event ${next.value.id}`)),
      sleep(ms),
    ]);
    expect(outcome).toBe('quiet');
  }

  next(): Promise<IteratorResult<RecordedEvent>> {
    this.pending ??= this.iterator.next();
    return this.pending;
  }
}

const expectConflict = async (append: Promise<unknown>, streamId: string): Promise<void> => {
  const error = await append.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConcurrencyError);
  expect(error).toMatchObject({ kind: 'conflict', code: 'wrong_expected_revision', retriable: true, streamId });
};

const expectStrictlyIncreasing = (positions: bigint[]): void => {
  const regressions = positions.filter((position, i) => i > 0 && position <= positions[i - 1]);
  expect(regressions).toEqual([]);
};

/**
 * Appends at the stream's current revision, re-reading and retrying when another writer got there first. `known`
 * holds revisions the writers have seen (never above the truth), so only a stream's tail is read back.
 */
const appendWithRetry = async (
  store: EventStore,
  streamId: string,
  events: EventToAppend[],
  known: Map<string, bigint>,
): Promise<number> => {
  for (let conflicts = 0; conflicts < 500; conflicts++) {
    const floor = known.get(streamId);
    const tail = await store.readStream(streamId, floor === undefined ? 0n : floor + 1n);
    const current = tail.length ? tail[tail.length - 1].revision : floor;
    try {
      const { nextExpectedRevision } = await store.append(streamId, events, current ?? 'no_stream');
      if (nextExpectedRevision > (known.get(streamId) ?? -1n)) known.set(streamId, nextExpectedRevision);
      return conflicts;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  throw new Error(`Gave up appending to ${streamId}`);
};

export const eventStoreContract = (name: string, makeStore: () => Promise<EventStoreUnderTest>): void => {
  describe(`${name} satisfies the EventStore contract`, () => {
    let subject: EventStoreUnderTest | undefined;
    let store: EventStore;
    let prefix: string;
    const readers: SubscriptionReader[] = [];
    const read = (subscription: EventSubscription): SubscriptionReader => {
      const reader = new SubscriptionReader(subscription);
      readers.push(reader);
      return reader;
    };

    beforeAll(async () => {
      subject = await makeStore();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });
    beforeEach(() => {
      prefix = `c${randomUUID().slice(0, 8)}-`;
    });
    afterEach(async () => {
      await Promise.all(readers.splice(0).map((reader) => reader.subscription.close()));
    });

    it('appends and reads back data, metadata, revisions, positions and recordedAt', async () => {
      const stream = `${prefix}round-trip`;
      const created = newEvent(
        `${prefix}created`,
        { name: 'Zoë ✓ "quoted"', nested: { list: [1, 'two', null, true, 2.5], empty: {} } },
        { correlationId: 'corr-1', actor: { id: 'u1' } },
      );
      const renamed = newEvent(`${prefix}renamed`, { name: 'B' });
      const before = Date.now();
      const result = await store.append(stream, [created, renamed], 'no_stream');

      expect(result.nextExpectedRevision).toBe(1n);
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.id, e.streamId, e.type, e.revision])).toEqual([
        [created.id, stream, created.type, 0n],
        [renamed.id, stream, renamed.type, 1n],
      ]);
      expect(events[0].data).toEqual(created.data);
      expect(events[0].metadata).toEqual(created.metadata);
      expect(events[1].data).toEqual({ name: 'B' });
      expect(events[1].metadata).toEqual({});
      expect(events[1].position).toBe(result.position);
      expect(events[0].position).toBeLessThan(events[1].position);
      for (const event of events) {
        expect(event.recordedAt).toBeInstanceOf(Date);
        // Generous bounds: the store's clock may be another machine's.
        expect(event.recordedAt.getTime()).toBeGreaterThan(before - 5_000);
        expect(event.recordedAt.getTime()).toBeLessThan(Date.now() + 5_000);
      }
      expect((await store.readStream(stream, 1n)).map((e) => e.id)).toEqual([renamed.id]);
      expect(await store.readStream(`${prefix}missing`)).toEqual([]);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
    });

    it('enforces every kind of expected revision and stores nothing on a conflict', async () => {
      const stream = `${prefix}expect`;
      const event = () => newEvent(`${prefix}happened`);

      await expectConflict(store.append(stream, [event()], 'stream_exists'), stream);
      await expectConflict(store.append(stream, [event()], 0n), stream);
      expect((await store.append(stream, [event()], 'no_stream')).nextExpectedRevision).toBe(0n);
      await expectConflict(store.append(stream, [event()], 'no_stream'), stream);
      expect((await store.append(stream, [event()], 'stream_exists')).nextExpectedRevision).toBe(1n);
      expect((await store.append(stream, [event(), event()], 1n)).nextExpectedRevision).toBe(3n);
      await expectConflict(store.append(stream, [event()], 1n), stream);
      await expectConflict(store.append(stream, [event()], 7n), stream);
      expect((await store.append(stream, [event()], 'any')).nextExpectedRevision).toBe(4n);
      expect((await store.append(`${prefix}fresh`, [event()], 'any')).nextExpectedRevision).toBe(0n);

      expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
    });

    it('treats a retry of the same event ids as the original append', async () => {
      const stream = `${prefix}retry`;
      const batch = [newEvent(`${prefix}a`), newEvent(`${prefix}b`)];
      const original = await store.append(stream, batch, 'no_stream');

      expect(await store.append(stream, batch, 'no_stream')).toEqual(original);
      const later = newEvent(`${prefix}c`);
      await store.append(stream, [later], original.nextExpectedRevision);
      // A retry that arrives after the stream moved on (say the first reply was lost) still succeeds.
      expect(await store.append(stream, batch, 'no_stream')).toEqual(original);
      expect((await store.readStream(stream)).map((e) => e.id)).toEqual([...batch.map((e) => e.id), later.id]);

      const anyStream = `${prefix}retry-any`;
      const single = [newEvent(`${prefix}a`)];
      const first = await store.append(anyStream, single, 'any');
      expect(await store.append(anyStream, single, 'any')).toEqual(first);
      expect(await store.readStream(anyStream)).toHaveLength(1);
    });

    it('reads the global log in pages and filters it by stream prefix and event type', async () => {
      const [one, two] = [`${prefix}one`, `${prefix}two`];
      const a = `${prefix}a-`;
      const b = `${prefix}b-`;
      const appended: Array<{ stream: string; event: EventToAppend }> = [];
      const append = async (stream: string, events: EventToAppend[]) => {
        await store.append(stream, events, 'any');
        appended.push(...events.map((event) => ({ stream, event })));
      };
      await append(`${a}1`, [newEvent(one), newEvent(two)]);
      await append(`${b}1`, [newEvent(one)]);
      await append(`${a}2`, [newEvent(two)]);
      await append(`${b}2`, [newEvent(two), newEvent(one)]);
      await store.append(`x${prefix}`, [newEvent(one)], 'any'); // prefix of neither: must be left out
      const idsWhere = (keep: (entry: { stream: string; event: EventToAppend }) => boolean) =>
        appended.filter(keep).map(({ event }) => event.id);

      const pages: RecordedEvent[][] = [];
      for (let after = 0n; ;) {
        const page = await store.readAll({ after, limit: 4, filter: { streamPrefixes: [prefix] } });
        if (page.length === 0) break;
        pages.push(page);
        after = page[page.length - 1].position;
      }
      expect(pages.map((page) => page.length)).toEqual([4, 2]);
      const all = pages.flat();
      expect(all.map((e) => e.id)).toEqual(idsWhere(() => true));
      expectStrictlyIncreasing(all.map((e) => e.position));

      const ids = async (filter: { streamPrefixes?: string[]; eventTypes?: string[] }, after = 0n) =>
        (await store.readAll({ after, filter })).map((e) => e.id);
      expect(await ids({ streamPrefixes: [a] })).toEqual(idsWhere(({ stream }) => stream.startsWith(a)));
      expect(await ids({ streamPrefixes: [a, b] })).toEqual(idsWhere(() => true));
      expect(await ids({ eventTypes: [one] })).toEqual([
        ...idsWhere(({ event }) => event.type === one),
        expect.any(String), // the x-stream event has the type too
      ]);
      expect(await ids({ streamPrefixes: [b], eventTypes: [one] })).toEqual(
        idsWhere(({ stream, event }) => stream.startsWith(b) && event.type === one),
      );
      expect(await ids({ streamPrefixes: [prefix] }, all[2].position)).toEqual(all.slice(3).map((e) => e.id));

      // A prefix is text, not a pattern: characters that are wildcards somewhere match only themselves.
      const literal = [
        `${prefix}w_%\\*.`,
        `${prefix}wx%\\*.`,
        `${prefix}w_x\\*.`,
        `${prefix}w_%x*.`,
        `${prefix}w_%\\x.`,
      ];
      for (const stream of literal) await store.append(stream, [newEvent(one)], 'any');
      expect(await ids({ streamPrefixes: [literal[0]] })).toHaveLength(1);
    });

    it('finds filtered events past thousands of other events, in reads and in subscriptions', async () => {
      const wanted = `${prefix}wanted`;
      const first = newEvent(`${prefix}e`);
      const second = newEvent(`${prefix}e`);
      const start = await store.headPosition();
      await store.append(wanted, [first], 'no_stream');
      for (let i = 0; i < 5; i++)
        await store.append(
          `${prefix}other-${i}`,
          Array.from({ length: 1000 }, () => newEvent(`${prefix}o`)),
          'no_stream',
        );
      await store.append(wanted, [second], 0n);
      const filter = { streamPrefixes: [wanted] };

      expect((await store.readAll({ after: start, limit: 2, filter })).map((e) => e.id)).toEqual([first.id, second.id]);
      const [afterFirst] = await store.readAll({ after: start, limit: 1, filter });
      expect((await store.readAll({ after: afterFirst.position, limit: 1, filter })).map((e) => e.id)).toEqual([
        second.id,
      ]);
      const reader = read(store.subscribeToAll({ after: start, filter }));
      expect((await reader.take(2)).map((e) => e.id)).toEqual([first.id, second.id]);
      await reader.expectQuiet(100);
    });

    it('delivers stored events, then live ones, in log order and filtered', async () => {
      const stream = `${prefix}live`;
      const stored = [newEvent(`${prefix}e`), newEvent(`${prefix}e`), newEvent(`${prefix}e`)];
      await store.append(stream, stored.slice(0, 2), 'no_stream');
      await store.append(stream, stored.slice(2), 1n);
      const reader = read(store.subscribeToAll({ filter: { streamPrefixes: [stream] } }));

      expect((await reader.take(3)).map((e) => e.id)).toEqual(stored.map((e) => e.id));
      await reader.expectQuiet(100);
      const live = [newEvent(`${prefix}e`), newEvent(`${prefix}e`)];
      await store.append(stream, [live[0]], 2n);
      await store.append(`${prefix}elsewhere`, [newEvent(`${prefix}e`)], 'any');
      await store.append(`${stream}-2`, [live[1]], 'any');
      const received = await reader.take(2);
      expect(received.map((e) => e.id)).toEqual(live.map((e) => e.id));
      expect(received[0].data).toEqual({});
      await reader.expectQuiet();
    });

    it('delivers the same events without their payload to a subscriber that omits data', async () => {
      const stream = `${prefix}omit-data`;
      const events = [newEvent(`${prefix}e`, { n: 1 }), newEvent(`${prefix}f`, { n: 2 }, { by: 'x' })];
      await store.append(stream, events, 'no_stream');
      const withData = await read(store.subscribeToAll({ filter: { streamPrefixes: [stream] } })).take(2);
      const without = await read(store.subscribeToAll({ filter: { streamPrefixes: [stream] }, omitData: true })).take(
        2,
      );
      const identity = ({ data: _data, metadata: _metadata, ...rest }: RecordedEvent) => rest;
      expect(without.map(identity)).toEqual(withData.map(identity));
      expect(withData.map((e) => e.type)).toEqual([`${prefix}e`, `${prefix}f`]);
    });

    it('resumes a subscription after a checkpoint, exclusively', async () => {
      const stream = `${prefix}checkpoint`;
      const events = [0, 1, 2, 3].map(() => newEvent(`${prefix}e`));
      const results = [];
      for (const [revision, event] of events.entries()) {
        results.push(await store.append(stream, [event], revision === 0 ? 'no_stream' : BigInt(revision - 1)));
      }
      const fromMiddle = read(
        store.subscribeToAll({ after: results[1].position, filter: { streamPrefixes: [stream] } }),
      );
      expect((await fromMiddle.take(2)).map((e) => e.id)).toEqual([events[2].id, events[3].id]);

      const fromEnd = read(
        store.subscribeToAll({ after: results[3].position, filter: { eventTypes: [`${prefix}e`] } }),
      );
      await fromEnd.expectQuiet(100);
      const next = newEvent(`${prefix}e`);
      await store.append(stream, [next], 3n);
      expect((await fromEnd.take(1)).map((e) => e.id)).toEqual([next.id]);
    });

    it('ends the iteration on close, also while it waits for live events', async () => {
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${prefix}nothing`] } });
      const iterator = subscription[Symbol.asyncIterator]();
      const pending = iterator.next();
      await sleep(50);
      await subscription.close();
      await expect(withTimeout(pending, WAIT_MS, 'the end')).resolves.toEqual({ done: true, value: undefined });

      const closedFirst = store.subscribeToAll({ filter: { streamPrefixes: [`${prefix}nothing`] } });
      await closedFirst.close();
      const seen: RecordedEvent[] = [];
      for await (const event of closedFirst) seen.push(event);
      expect(seen).toEqual([]);
    });

    it('ends its subscriptions when the store closes', async () => {
      const other = await makeStore();
      try {
        const subscription = other.store.subscribeToAll({ filter: { streamPrefixes: [`${prefix}nothing`] } });
        const pending = subscription[Symbol.asyncIterator]().next();
        await sleep(50);
        await other.store.close();
        await expect(withTimeout(pending, WAIT_MS, 'the end')).resolves.toEqual({ done: true, value: undefined });
      } finally {
        await other.cleanup();
      }
    });

    it('gives every subscriber each committed event exactly once, in one order, under concurrent writers', async () => {
      const WRITERS = 20;
      const APPENDS = 25;
      const streams = `${prefix}load-`;
      const filter = { streamPrefixes: [streams] };
      const live = read(store.subscribeToAll({ filter }));
      const committed: string[] = [];
      let conflicts = 0;
      const known = new Map<string, bigint>();

      await Promise.all(
        Array.from({ length: WRITERS }, async (_, writer) => {
          for (let i = 0; i < APPENDS; i++) {
            // Even appends go to the writer's own stream, odd ones (two events each) to one of three shared streams.
            const stream = i % 2 === 0 ? `${streams}own-${writer}` : `${streams}shared-${i % 3}`;
            const events = Array.from({ length: 1 + (i % 2) }, () => newEvent(`${prefix}load`, { writer, i }));
            conflicts += await appendWithRetry(store, stream, events, known);
            committed.push(...events.map((e) => e.id));
          }
        }),
      );

      const seen = await live.take(committed.length, 30_000);
      await live.expectQuiet();
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
      expect([...seen.map((e) => e.id)].sort()).toEqual([...committed].sort());
      expectStrictlyIncreasing(seen.map((e) => e.position));
      // Within each stream the subscriber sees revisions 0, 1, 2, ... with no gap.
      const revisions = new Map<string, bigint[]>();
      for (const event of seen)
        revisions.set(event.streamId, [...(revisions.get(event.streamId) ?? []), event.revision]);
      for (const list of revisions.values()) expect(list).toEqual(list.map((_, i) => BigInt(i)));

      const replay = read(store.subscribeToAll({ filter }));
      const replayed = await replay.take(committed.length, 30_000);
      await replay.expectQuiet();
      expect(replayed.map((e) => [e.id, e.position])).toEqual(seen.map((e) => [e.id, e.position]));
      // The shared streams must really have been fought over, or the retry path went untested.
      expect(conflicts).toBeGreaterThan(0);
    }, 60_000);
  });
};
