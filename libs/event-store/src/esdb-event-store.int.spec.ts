import { randomUUID } from 'crypto';
import { CancelledError, UnavailableError } from '@eventstore/db-client';
import { describeWithEventStore, useEventStoreServer } from '@roster/testing';
import { eventStoreContract } from './event-store.contract';
import { EsdbEventStore } from './esdb-event-store';
import { EventToAppend, RecordedEvent } from './event-store.port';

const RESTART_TEST = 'a subscription reconnects and resumes from its checkpoint after the server restarts';

const sleep = (ms: number) => new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), ms));

/** The next event, failing after `ms`. */
const nextWithin = async (iterator: AsyncIterator<RecordedEvent>, ms: number): Promise<RecordedEvent> => {
  const next = await Promise.race([iterator.next(), sleep(ms)]);
  if (next === 'quiet') throw new Error(`no event within ${ms} ms`);
  if (next.done) throw new Error('the subscription ended');
  return next.value;
};

/** Retries while the server is not back yet: an append racing the client's reconnection may be refused once. */
const onceServing = async <T>(action: () => Promise<T>): Promise<T> => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      const unreachable = error instanceof UnavailableError || error instanceof CancelledError;
      if (!unreachable || Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
};

// The contract isolates itself with random stream names, so a shared server (EVENTSTORE_URL) does as well as a
// container of the suite's own.
describeWithEventStore('EsdbEventStore on EventStoreDB', () => {
  const server = useEventStoreServer();

  eventStoreContract('EsdbEventStore on EventStoreDB', async () => {
    const store = EsdbEventStore.connect(server.url());
    return { store, cleanup: () => store.close() };
  });

  const restart = server.restart;
  if (!restart) {
    process.stderr.write(
      `\n*** SKIPPED "${RESTART_TEST}": EVENTSTORE_URL is a server the test did not start and must not restart; ` +
        'it runs on a container where a Docker engine answers and EVENTSTORE_URL is unset ***\n',
    );
    it.skip(RESTART_TEST, () => undefined);
    return;
  }
  it(
    RESTART_TEST,
    async () => {
      const store = EsdbEventStore.connect(server.url());
      const stream = `restart-${randomUUID()}`;
      const newEvent = (): EventToAppend => ({ id: randomUUID(), type: 'restart-tested', data: { n: randomUUID() } });
      try {
        const stored = [newEvent(), newEvent(), newEvent(), newEvent()];
        const checkpoint = await store.append(stream, stored.slice(0, 1), 'no_stream');
        await store.append(stream, stored.slice(1), 0n);
        const subscription = store.subscribeToAll({ after: checkpoint.position, filter: { streamPrefixes: [stream] } });
        const iterator = subscription[Symbol.asyncIterator]();
        try {
          // Two of the three stored events taken; the third is still to be delivered when the server goes away.
          const received = [await nextWithin(iterator, 10_000), await nextWithin(iterator, 10_000)];

          await restart();
          const later = [newEvent(), newEvent(), newEvent()];
          for (const [i, event] of later.entries()) {
            await onceServing(() => store.append(stream, [event], BigInt(3 + i)));
          }

          // Generous: the subscription tries again with a growing pause (up to 2 s) until the server is back.
          for (let i = 0; i < 4; i++) received.push(await nextWithin(iterator, 30_000));
          expect(received.map((e) => e.id)).toEqual([...stored.slice(1), ...later].map((e) => e.id));
          expect(received.map((e) => e.revision)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
          const positions = received.map((e) => e.position);
          expect(positions.filter((p, i) => i > 0 && p <= positions[i - 1])).toEqual([]);
          // Nothing more: no event delivered twice after the resubscription.
          const extra = await Promise.race([iterator.next(), sleep(1_000)]);
          expect(extra).toBe('quiet');
        } finally {
          await subscription.close();
        }
      } finally {
        await store.close();
      }
    },
    300_000,
  );
});
