import type { LogEvent } from '@roster/logs';

/**
 * The port between a log stream's worker and where its tenant's log events come from (a Kafka consumer group in split
 * mode, the event store's global log in all-in-one mode). A source owns the stream's position: it hands out batches
 * and moves the position past a batch only once the handler resolved for it (commit after processing).
 */

export interface SourcedLogEvent {
  /** Global position of the event that recorded it (its `log_id` is `logIdOf(position)`). */
  position: bigint;
  event: LogEvent;
}

/** Events of ONE tenant, in position order, never empty. */
export interface SourceBatch {
  events: readonly SourcedLogEvent[];
}

export type SourceBatchHandler = (batch: SourceBatch) => Promise<void>;

export interface LogSource {
  /**
   * Calls `handler` with one batch at a time, in position order (a source may read the next batch while one is
   * handled, but no further, so memory stays bounded). The position is committed past a batch only after `handler` resolved for it; when it
   * rejects, nothing is committed and delivery starts again from the last committed position (after a pause).
   *
   * Resolves once `signal` aborted and the batch in flight, if any, was either committed or left uncommitted; the
   * handler should watch `signal` too. Rejects only with a failure the source cannot recover from by itself.
   */
  run(handler: SourceBatchHandler, signal: AbortSignal): Promise<void>;
}
