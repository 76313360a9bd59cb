/**
 * Small pieces the sources, the worker and the exporter share: waiting that an abort cuts short, and the metrics hook.
 */

/** Counter hook: `value` is added to the counter `name` with these labels. A hook that throws is ignored. */
export type MetricHook = (name: string, labels: Readonly<Record<string, string>>, value: number) => void;

/** A promise that resolves when `signal` aborts, and the function that removes its listener (call it when done). */
export const whenAborted = (signal: AbortSignal): { aborted: Promise<void>; dispose: () => void } => {
  let dispose = (): void => undefined;
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const listener = (): void => resolve();
    signal.addEventListener('abort', listener, { once: true });
    dispose = () => signal.removeEventListener('abort', listener);
  });
  return { aborted, dispose };
};

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects): a loop checks `signal.aborted` after it. */
export const pause = async (ms: number, signal: AbortSignal): Promise<void> => {
  const stop = whenAborted(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stop.aborted, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
  stop.dispose();
};

/** Exponential delay for the n-th consecutive failure (1 = first), with ±25 % jitter so peers do not retry together. */
export const retryDelay = (failures: number, baseMs: number, maxMs: number, random: () => number = Math.random) =>
  Math.round(Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1)) * (0.75 + random() / 2));

/** Calls a hook that must not disturb the caller (metrics, error reports). */
export const safely = <A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void => {
  try {
    hook?.(...args);
  } catch {
    // observers only: a failing hook changes nothing
  }
};
