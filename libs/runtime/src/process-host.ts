/* eslint-disable no-console -- the one place that talks to the operator before logging is set up */
import { ConfigError } from '@roster/config';

/**
 * Runs a service's start function: a configuration problem prints its one line and exits 1; anything else prints
 * the error and exits 1. SIGTERM and SIGINT run `stop` once, then exit 0 (or 1 when stopping fails or hangs).
 */
export const runService = async (
  name: string,
  start: () => Promise<() => Promise<void>>,
  stopTimeoutMs = 15_000,
): Promise<void> => {
  let stop: (() => Promise<void>) | undefined;
  try {
    stop = await start();
  } catch (error) {
    if (error instanceof ConfigError) console.error(`${name}: configuration error: ${error.message}`);
    else console.error(`${name}: failed to start:`, error);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${name}: ${signal} received, stopping`);
    const timer = setTimeout(() => {
      console.error(`${name}: did not stop within ${stopTimeoutMs} ms, exiting`);
      process.exit(1);
    }, stopTimeoutMs);
    timer.unref();
    stop!().then(
      () => process.exit(0),
      (error) => {
        console.error(`${name}: error while stopping:`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
};
