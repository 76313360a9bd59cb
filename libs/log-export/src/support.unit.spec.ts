import { pause, retryDelay, safely, whenAborted } from './support';

describe('log export support', () => {
  it('pauses until the time is up or the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    await pause(30, controller.signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const cut = pause(60_000, controller.signal);
    controller.abort();
    await cut;
    await pause(60_000, controller.signal); // already aborted: at once
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('tells when a signal aborts, and forgets it once disposed', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const first = whenAborted(controller.signal);
    void first.aborted.then(() => seen.push('first'));
    const second = whenAborted(controller.signal);
    second.dispose();
    void second.aborted.then(() => seen.push('second'));
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['first']);
  });

  it('doubles the retry delay per failure up to the maximum, within ±25 %', () => {
    expect([1, 2, 3, 10].map((n) => retryDelay(n, 100, 1_000, () => 0.5))).toEqual([100, 200, 400, 1_000]);
    expect(retryDelay(1, 100, 1_000, () => 0)).toBe(75);
    expect(retryDelay(1, 100, 1_000, () => 0.999_999)).toBe(125);
  });

  it('ignores a hook that throws', () => {
    expect(() =>
      safely(() => {
        throw new Error('broken metrics');
      }),
    ).not.toThrow();
  });
});
