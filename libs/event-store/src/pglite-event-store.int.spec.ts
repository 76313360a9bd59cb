import { randomUUID } from 'crypto';
import { ConcurrencyError } from '@roster/errors';
import { PgliteDatabase } from '@roster/sql';
import { eventStoreContract } from './event-store.contract';
import { SqlEventStore } from './sql-event-store';

// Embedded PGlite in memory: always runs, no outside service. One database for the whole file (it takes seconds to
// start); each factory call is a new store on it, which also shows that closing a store leaves the database open.
let db: PgliteDatabase | undefined;
const database = async (): Promise<PgliteDatabase> => (db ??= await PgliteDatabase.open());

afterAll(async () => {
  await db?.close();
});

eventStoreContract('SqlEventStore on PGlite', async () => {
  const store = await SqlEventStore.create(await database());
  return { store, cleanup: () => store.close() };
});

describe('SqlEventStore group commit', () => {
  const withStore = async (test: (store: SqlEventStore) => Promise<void>): Promise<void> => {
    const store = await SqlEventStore.create(await database());
    try {
      await test(store);
    } finally {
      await store.close();
    }
  };

  it('writes appends issued together in the order they were issued, each checked against its expectation', () =>
    withStore(async (store) => {
      const stream = `group-${randomUUID()}`;
      const events = [0, 1, 2, 3].map((n) => ({ id: randomUUID(), type: 't', data: { n } }));
      // The first append goes out alone; the next three queue behind it and are written as one batch, where each
      // one's expected revision holds only if the one before it in the batch was written first.
      const results = await Promise.all([
        store.append(stream, [events[0]], 'no_stream'),
        store.append(stream, [events[1]], 0n),
        store.append(stream, [events[2]], 1n),
        store.append(stream, [events[3]], 2n),
      ]);
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([0n, 1n, 2n, 3n]);
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
      expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    }));

  it('gives each append of one batch the outcome it would have alone: written, conflict or duplicate', () =>
    withStore(async (store) => {
      const stream = `group-${randomUUID()}`;
      const [a, b, c, d] = [0, 1, 2, 3].map((n) => ({ id: randomUUID(), type: 't', data: { n } }));
      const head = await store.headPosition();
      const results = await Promise.allSettled([
        store.append(stream, [a], 'no_stream'), // goes out alone; the rest queue behind it as one batch
        store.append(stream, [b], 0n),
        store.append(stream, [c], 0n), // the append before it in the batch moved the stream on
        store.append(stream, [b], 0n), // a retry of the second, in the same batch
        store.append(`${stream}-other`, [d], 'no_stream'),
      ]);
      const values = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
      expect(values[0]).toEqual({ nextExpectedRevision: 0n, position: head + 1n });
      expect(values[1]).toEqual({ nextExpectedRevision: 1n, position: head + 2n });
      expect(values[2]).toBeInstanceOf(ConcurrencyError);
      expect(values[3]).toEqual(values[1]);
      expect(values[4]).toEqual({ nextExpectedRevision: 0n, position: head + 3n });
      expect((await store.readStream(stream)).map((e) => e.id)).toEqual([a.id, b.id]);
      expect(await store.headPosition()).toBe(head + 3n);
    }));

  it('writes the neighbours of an append the database refuses, which fails alone', () =>
    withStore(async (store) => {
      const stream = `group-${randomUUID()}`;
      const event = (data: Record<string, unknown>) => ({ id: randomUUID(), type: 't', data });
      const first = store.append(`${stream}-first`, [event({ n: 0 })], 'no_stream');
      const results = await Promise.allSettled([
        store.append(`${stream}-a`, [event({ n: 1 })], 'no_stream'),
        // jsonb has no NUL character: the whole statement fails, so the batch is retried one append at a time.
        store.append(`${stream}-bad`, [event({ text: 'nul \u0000' })], 'no_stream'),
        store.append(`${stream}-b`, [event({ n: 2 })], 'no_stream'),
      ]);
      await first;
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.readStream(`${stream}-bad`)).toEqual([]);
      expect((await store.readStream(`${stream}-b`)).map((e) => e.data)).toEqual([{ n: 2 }]);
    }));
});
