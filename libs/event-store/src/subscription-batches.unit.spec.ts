import type { RecordedEvent } from './event-store.port';
import { pagedLog } from './polling-subscription.fixtures';
import { batchesOf } from './subscription-batches';

const recorded = (position: number): RecordedEvent => ({
  id: `e${position}`,
  streamId: 'logs-acme:x',
  type: 'LogEventRecorded',
  data: {},
  metadata: {},
  revision: 0n,
  position: BigInt(position),
  recordedAt: new Date(0),
});

/** A subscription whose events arrive when `push`ed, as a live one's do. */
const live = () => {
  const queue: RecordedEvent[] = [];
  const waiting: ((result: IteratorResult<RecordedEvent>) => void)[] = [];
  let ended = false;
  return {
    push(...positions: number[]) {
      for (const p of positions) {
        const resolve = waiting.shift();
        if (resolve) resolve({ value: recorded(p), done: false });
        else queue.push(recorded(p));
      }
    },
    end() {
      ended = true;
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    },
    subscription: {
      [Symbol.asyncIterator]: () =>
        ({
          next: (): Promise<IteratorResult<RecordedEvent>> => {
            const value = queue.shift();
            if (value) return Promise.resolve({ value, done: false });
            if (ended) return Promise.resolve({ value: undefined, done: true });
            return new Promise((resolve) => waiting.push(resolve));
          },
        }) as AsyncIterator<RecordedEvent>,
      close: async () => undefined,
    },
  };
};

const positions = (batch: RecordedEvent[]): number[] => batch.map((e) => Number(e.position));

describe('batchesOf', () => {
  it('hand out what is ready, up to the maximum, waiting only for the first event', async () => {
    const source = live();
    const batches = batchesOf(source.subscription, { maxBatchSize: 3 });
    source.push(1, 2, 3, 4, 5);
    expect(positions((await batches.next()).value as RecordedEvent[])).toEqual([1, 2, 3]);
    expect(positions((await batches.next()).value as RecordedEvent[])).toEqual([4, 5]);
    const third = batches.next();
    setTimeout(() => source.push(6), 5);
    expect(positions((await third).value as RecordedEvent[])).toEqual([6]);
    source.end();
    expect((await batches.next()).done).toBe(true);
  });

  it('hand out the last events before an end', async () => {
    const source = live();
    source.push(1, 2);
    source.end();
    const all: number[][] = [];
    for await (const batch of batchesOf(source.subscription, { maxBatchSize: 10 })) all.push(positions(batch));
    expect(all).toEqual([[1, 2]]);
  });

  it('linger for more events, and stop lingering when hurried', async () => {
    const source = live();
    let hurry: () => void = () => undefined;
    const batches = batchesOf(source.subscription, {
      maxBatchSize: 10,
      lingerMs: 60_000,
      hurry: () => new Promise<void>((resolve) => (hurry = resolve)),
    });
    source.push(1);
    const first = batches.next();
    setTimeout(() => source.push(2), 5);
    setTimeout(() => hurry(), 20);
    // Without the hurry this batch would wait a minute for an eleventh event.
    expect(positions((await first).value as RecordedEvent[])).toEqual([1, 2]);
    source.end();
  });

  describe('without read-ahead, on a subscription that tells what it holds', () => {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

    it('given appends while the consumer works, when it asks for the next batch, then that batch holds them all', async () => {
      const source = pagedLog();
      const batches = batchesOf(source.subscription, { maxBatchSize: 10, readAhead: false });
      source.append(2);
      expect(positions((await batches.next()).value as RecordedEvent[])).toEqual([1, 2]);
      // The consumer works on [1, 2] while 3, then 4, are appended: nothing is read meanwhile.
      const readsDuringWork = source.reads();
      source.append();
      await settle();
      source.append();
      await settle();
      expect(source.reads()).toBe(readsDuringWork);
      // (With read-ahead, a read woken by 3 would have handed out [3] alone.)
      expect(positions((await batches.next()).value as RecordedEvent[])).toEqual([3, 4]);
      await source.subscription.close();
    });

    it('given more held than a batch takes, then the rest comes next without a read', async () => {
      const source = pagedLog();
      source.append(5);
      const batches = batchesOf(source.subscription, { maxBatchSize: 2, readAhead: false });
      const taken: number[][] = [];
      for (let i = 0; i < 3; i++) taken.push(positions((await batches.next()).value as RecordedEvent[]));
      expect(taken).toEqual([[1, 2], [3, 4], [5]]);
      expect(source.reads()).toBe(1);
      await source.subscription.close();
    });
  });
});
