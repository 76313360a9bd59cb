import type { LoggerService } from '@nestjs/common';

/** A background job's report as a log line: an error with its stack, anything else as information. */
export const reportTo =
  (logger: LoggerService) =>
  (message: string, error?: unknown): void =>
    error === undefined ? logger.log(message) : logger.error(message, (error as Error)?.stack);
