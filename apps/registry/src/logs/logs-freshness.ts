import type { ReadModelFreshness } from '@roster/read-models';
import type { LogWriter } from './log-writer';

/** How long a read waits for the log read model to include this process's latest log events. */
const CATCH_UP_MS = 2000;

/** Reads of the log wait (briefly) until the log read model includes every log event this process stored. */
export class LogsFreshness {
  constructor(
    private readonly writer: LogWriter,
    private readonly freshness: ReadModelFreshness,
  ) {}

  async catchUp(): Promise<void> {
    await this.freshness.waitForPosition(this.writer.lastWrittenPosition, CATCH_UP_MS);
  }
}
