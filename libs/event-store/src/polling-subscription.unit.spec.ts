import type { RecordedEvent } from './event-store.port';
import { PollingSubscription, type LogPage } from './polling-subscription';

/** A log the subscription pages through: `append` adds an event and wakes it, as the SQL store does after a commit. */
const pagedLog = (coalesceMs: number) => {
  const events: RecordedEvent[] = [];
  let reads = 0;
  const readPage = async (after: bigint): Promise<LogPage> => {
    reads += 1;
    const page = events.filter((event) => event.position > after);
    return { events: page, scannedTo: page.at(-1)?.position ?? after, reachedHead: true };
  };
  const subscription = new PollingSubscription(readPage, 0n, 60_000, () => undefined, coalesceMs);
  return {
    subscription,
    reads: () => reads,
    append() {
      const position = BigInt(events.length + 1);
      events.push({
        id: String(position),
        streamId: 's',
        type: 'E',
        data: {},
        metadata: {},
        revision: position - 1n,
        position,
        recordedAt: new Date(),
      });
      subscription.wake();
    },
  };
};

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends `count` events 5 ms apart while a consumer takes them; the positions it received, in order. */
const appendWhileReading = async (log: ReturnType<typeof pagedLog>, count: number): Promise<bigint[]> => {
  const events = log.subscription[Symbol.asyncIterator]();
  const received: bigint[] = [];
  const reading = (async () => {
    for (let i = 0; i < count; i++) received.push((await events.next()).value.position);
  })();
  for (let i = 0; i < count; i++) {
    await tick(5);
    log.append();
  }
  await reading;
  return received;
};

describe('PollingSubscription', () => {
  it('given no coalescing, reads once per wake at the head', async () => {
    const log = pagedLog(0);
    expect(await appendWhileReading(log, 3)).toEqual([1n, 2n, 3n]);
    expect(log.reads()).toBe(4); // the first read found nothing, then one per append
    await log.subscription.close();
  });

  it('given coalescing, reads appends that arrive close together at once, in order', async () => {
    const log = pagedLog(1000);
    expect(await appendWhileReading(log, 5)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(log.reads()).toBe(2); // the first read found nothing, then one for all five
    await log.subscription.close();
  });

  it('ends a pending read at once when closed while coalescing', async () => {
    const log = pagedLog(60_000);
    const events = log.subscription[Symbol.asyncIterator]();
    const next = events.next();
    await tick(5);
    log.append();
    await tick(5);
    const started = Date.now();
    await log.subscription.close();
    expect(await next).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
