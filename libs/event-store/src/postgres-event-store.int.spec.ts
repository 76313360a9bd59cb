import { randomUUID } from 'crypto';
import { PostgresDatabase } from '@roster/sql';
import { createScratchDatabase, describeWithService } from '@roster/testing';
import { eventStoreContract } from './event-store.contract';
import { SqlEventStore, SqlEventStoreOptions } from './sql-event-store';

describeWithService('postgres', 'SqlEventStore on PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  const openStore = async (options?: SqlEventStoreOptions) => {
    const db = new PostgresDatabase(scratch.url, { max: 10 });
    const store = await SqlEventStore.create(db, options);
    return {
      db,
      store,
      cleanup: async () => {
        await store.close();
        await db.close();
      },
    };
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('roster_event_store');
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  // Each factory call is a separate pool on the same database, like separate processes.
  eventStoreContract('SqlEventStore on PostgreSQL', () => openStore());

  it('creates its schema idempotently, also from several processes at once', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => openStore({ schema: 'event_store_concurrent' })));
    try {
      const again = await openStore({ schema: 'event_store_concurrent' });
      await again.cleanup();
      const result = await opened[0].store.append(
        `s-${randomUUID()}`,
        [{ id: randomUUID(), type: 't', data: {} }],
        'no_stream',
      );
      expect(result.position).toBe(1n);
      expect(await opened[2].store.headPosition()).toBe(1n);
    } finally {
      await Promise.all(opened.map((o) => o.cleanup()));
    }
  });

  it('wakes a subscriber in another process through NOTIFY, not the poll', async () => {
    const writer = await openStore();
    // A poll this slow cannot explain a delivery within the test's time.
    const listener = await openStore({ pollIntervalMs: 60_000 });
    const streamId = `notify-${randomUUID()}`;
    const subscription = listener.store.subscribeToAll({ filter: { streamPrefixes: [streamId] } });
    try {
      const iterator = subscription[Symbol.asyncIterator]();
      const first = iterator.next();
      // Let the subscription read the (empty) log and go to sleep before the append.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const event = { id: randomUUID(), type: 'notified', data: {} };
      await writer.store.append(streamId, [event], 'no_stream');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timed out'), 5_000)));
      const next = await Promise.race([first, timeout]);
      clearTimeout(timer);
      expect(next).toMatchObject({ done: false, value: { id: event.id } });
    } finally {
      await subscription.close();
      await Promise.all([writer.cleanup(), listener.cleanup()]);
    }
  });
});
