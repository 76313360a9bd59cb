import { pagedLog, type PagedLog } from './polling-subscription.fixtures';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends `count` events 5 ms apart while a consumer takes them; the positions it received, in order. */
const appendWhileReading = async (log: PagedLog, count: number): Promise<bigint[]> => {
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
    const log = pagedLog();
    expect(await appendWhileReading(log, 3)).toEqual([1n, 2n, 3n]);
    expect(log.reads()).toBe(4); // the first read found nothing, then one per append
    await log.subscription.close();
  });

  it('given coalescing, reads appends that arrive close together at once, in order', async () => {
    const log = pagedLog({ coalesceMs: 1000 });
    expect(await appendWhileReading(log, 5)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(log.reads()).toBe(2); // the first read found nothing, then one for all five
    await log.subscription.close();
  });

  it('ends a pending read at once when closed while coalescing', async () => {
    const log = pagedLog({ coalesceMs: 60_000 });
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
