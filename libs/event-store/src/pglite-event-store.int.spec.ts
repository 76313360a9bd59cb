import { randomUUID } from 'crypto';
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
  it('writes appends issued together in the order they were issued, each checked against its expectation', async () => {
    const store = await SqlEventStore.create(await database());
    try {
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
    } finally {
      await store.close();
    }
  });
});
