/* eslint-disable no-console -- the one place that talks to the operator before logging is set up */
import { Logger } from '@nestjs/common';
import { ConfigError } from '@roster/config';

/** What a started service gives back: how to stop it, and how long stopping may take. */
export interface RunningService {
  /** Stops taking work, finishes or hands back what is in flight, commits, closes its stores. */
  stop(): Promise<void>;
  /** Past this, the process exits 1 without waiting any longer. Default 20,000 ms. */
  stopTimeoutMs?: number;
}

export const DEFAULT_STOP_TIMEOUT_MS = 20_000;

/**
 * Runs a service's start function: a configuration problem prints its one line and exits 1; anything else prints
 * the error and exits 1. SIGTERM and SIGINT run `stop` once, then exit 0 (or 1 when stopping fails or outlasts its
 * bound). Once started, messages go through Nest's logger, so they come out in the service's log format.
 */
export const runService = async (
  name: string,
  start: () => Promise<RunningService | (() => Promise<void>)>,
  stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS,
): Promise<void> => {
  let service: RunningService;
  try {
    const started = await start();
    service = typeof started === 'function' ? { stop: started } : started;
  } catch (error) {
    if (error instanceof ConfigError) console.error(`${name}: configuration error: ${error.message}`);
    else console.error(`${name}: failed to start:`, error);
    process.exit(1);
  }
  const logger = new Logger(name);
  const bound = service.stopTimeoutMs ?? stopTimeoutMs;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, stopping (at most ${bound} ms)`);
    const timer = setTimeout(() => {
      logger.error(`did not stop within ${bound} ms, exiting`);
      process.exit(1);
    }, bound);
    timer.unref();
    const started = Date.now();
    service.stop().then(
      () => {
        logger.log(`stopped in ${Date.now() - started} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('error while stopping', (error as Error)?.stack ?? String(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
};
