import { randomUUID } from 'crypto';
import { ConcurrencyError } from '@roster/errors';
import { SqlEventStore } from '@roster/event-store';
import { PgliteDatabase } from '@roster/sql';
import { AggregateRepository } from './aggregate-repository';
import { StreamFold, StreamStateCache } from './stream-state-cache';

type Counter = { total: number };
const counter: StreamFold<Counter> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => (event.type === 'Added' ? { total: state.total + (event.data.n as number) } : state),
};
const eventCount: StreamFold<number> = { initialState: () => 0, evolve: (n) => n + 1 };

const added = (n: number) => ({ id: randomUUID(), type: 'Added', data: { n } });

describe('StreamStateCache and AggregateRepository (on PGlite)', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.create(db);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('keeps one snapshot per fold of the same stream', async () => {
    const stream = `counter-${randomUUID()}`;
    await store.append(stream, [added(2), added(3)], 'no_stream');
    const cache = new StreamStateCache(store);
    expect((await cache.load(stream, counter)).state).toEqual({ total: 5 });
    expect((await cache.load(stream, eventCount)).state).toBe(2);
    expect((await cache.load(stream, counter)).revision).toBe(1n);
  });

  it('keeps at most maxEntries streams, dropping the one cached first (reading it does not keep it)', async () => {
    const streams = [1, 2, 3].map(() => `counter-${randomUUID()}`);
    for (const [i, stream] of streams.entries()) await store.append(stream, [added(i + 1)], 'no_stream');
    const cache = new StreamStateCache(store, 2);
    await cache.load(streams[0], counter);
    await cache.load(streams[1], counter);
    await cache.load(streams[0], counter);
    await cache.load(streams[2], counter); // the third stream: streams[0], cached first, is dropped
    // A change the cache was not told about shows which snapshots it still holds.
    for (const stream of streams) await store.append(stream, [added(100)], 0n);
    const totals = [];
    for (const stream of [streams[2], streams[1], streams[0]])
      totals.push((await cache.load(stream, counter)).state.total);
    expect(totals).toEqual([3, 2, 101]);
  });

  it('serves stale state until evicted, and the change feed eviction skips snapshots that are already newer', async () => {
    const stream = `counter-${randomUUID()}`;
    await store.append(stream, [added(1)], 'no_stream');
    const cache = new StreamStateCache(store);
    await cache.load(stream, counter);
    await store.append(stream, [added(10)], 0n);
    expect((await cache.load(stream, counter)).state.total).toBe(1);
    cache.evictIfOlder(stream, 0n);
    expect((await cache.load(stream, counter)).state.total).toBe(1);
    cache.evictIfOlder(stream, 1n);
    expect((await cache.load(stream, counter)).state.total).toBe(11);
  });

  it('re-decides on fresh state when another writer got there first, so no acknowledged update is lost', async () => {
    const stream = `counter-${randomUUID()}`;
    await store.append(stream, [added(0)], 'no_stream');
    // Two repositories with their own caches stand for two registry processes.
    const a = new AggregateRepository(store, new StreamStateCache(store));
    const b = new AggregateRepository(store, new StreamStateCache(store));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).execute(stream, counter, () => [{ type: 'Added', data: { n: 1 } }], { actor: 'test' }),
      ),
    );
    const failures = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    for (const failure of failures) expect(failure.reason).toBeInstanceOf(ConcurrencyError);
    const fresh = new StreamStateCache(store);
    expect((await fresh.load(stream, counter)).state.total).toBe(outcomes.length - failures.length);
    expect(failures.length).toBeLessThan(outcomes.length);
  });

  it('gives up with the ConcurrencyError after its attempts', async () => {
    const stream = `counter-${randomUUID()}`;
    await store.append(stream, [added(0)], 'no_stream');
    // A writer that always lands just before this repository's append.
    const overtaken = Object.create(store) as SqlEventStore;
    let appends = 0;
    overtaken.append = async (id, events, expected) => {
      appends += 1;
      await store.append(id, [added(1)], 'any');
      return store.append(id, events, expected);
    };
    const repository = new AggregateRepository(overtaken, new StreamStateCache(store), 3);
    await expect(
      repository.execute(stream, counter, () => [{ type: 'Added', data: { n: 100 } }], { actor: 'test' }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(appends).toBe(3);
    expect((await new StreamStateCache(store).load(stream, counter)).state.total).toBe(3);
  });
});
