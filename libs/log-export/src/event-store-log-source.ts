import { batchesOf, type EventStore } from '@roster/event-store';
import { LOG_EVENT_RECORDED, logStreamPrefix } from '@roster/logs';
import { logEventOf } from '@roster/read-models';
import type { SqlDatabase, SqlQueryable } from '@roster/sql';
import { ensureLogExportSchema, LOG_STREAM_CHECKPOINTS_TABLE } from './log-export.schema';
import type { LogSource, SourceBatchHandler } from './log-source';
import { pause, retryDelay, safely } from './support';

/**
 * All-in-one mode: a stream's tenant's log events straight from the event store's global log (a catch-up
 * subscription filtered on `logs-<tenant>:`), its position kept in `log_stream_checkpoints` in the read models'
 * database. A batch is what the subscription has ready, up to `maxBatchEvents`; the checkpoint moves past it only
 * after the handler resolved. Any failure (handler, store, database) drops the subscription, pauses with exponential
 * backoff and resubscribes after the stored checkpoint.
 */

export interface EventStoreLogSourceOptions {
  store: EventStore;
  /** The read models' database (holds the checkpoint). */
  db: SqlDatabase;
  streamId: string;
  tenant: string;
  /**
   * Exclusive position a stream without a checkpoint starts after. Default 0n (the whole log; the worker skips what
   * precedes the stream). `startPositionOf(definition)` gives the tightest safe value.
   */
  startAfter?: bigint;
  /** Most events per batch. Default 500. */
  maxBatchEvents?: number;
  /** First pause after a failure, doubled per consecutive failure up to `maxRetryDelayMs`. Default 500 ms. */
  retryDelayMs?: number;
  /** Default 30 s. */
  maxRetryDelayMs?: number;
  /** Each failure the source recovers from by resubscribing. */
  onError?: (error: unknown) => void;
}

export const readLogStreamCheckpoint = async (db: SqlQueryable, streamId: string): Promise<bigint | undefined> => {
  const { rows } = await db.query<{ position: unknown }>(
    `SELECT position FROM ${LOG_STREAM_CHECKPOINTS_TABLE} WHERE stream_id = $1`,
    [streamId],
  );
  return rows[0] ? BigInt(rows[0].position as string) : undefined;
};

export const saveLogStreamCheckpoint = async (db: SqlQueryable, streamId: string, position: bigint): Promise<void> => {
  await db.query(
    `INSERT INTO ${LOG_STREAM_CHECKPOINTS_TABLE} (stream_id, position) VALUES ($1, $2::bigint)
     ON CONFLICT (stream_id) DO UPDATE SET position = EXCLUDED.position`,
    [streamId, position.toString()],
  );
};

export class EventStoreLogSource implements LogSource {
  private schemaReady?: Promise<void>;

  constructor(private readonly options: EventStoreLogSourceOptions) {}

  async run(handler: SourceBatchHandler, signal: AbortSignal): Promise<void> {
    const { db, streamId, retryDelayMs = 500, maxRetryDelayMs = 30_000 } = this.options;
    let failures = 0;
    while (!signal.aborted) {
      try {
        this.schemaReady ??= ensureLogExportSchema(db).catch((error: unknown) => {
          this.schemaReady = undefined;
          throw error;
        });
        await this.schemaReady;
        const after = (await readLogStreamCheckpoint(db, streamId)) ?? this.options.startAfter ?? 0n;
        await this.consume(after, handler, signal, () => (failures = 0));
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        safely(this.options.onError, error);
        await pause(retryDelay(failures, retryDelayMs, maxRetryDelayMs), signal);
      }
    }
  }

  /** Hands out batches after `after` until `signal` aborts; throws on any failure. */
  private async consume(
    after: bigint,
    handler: SourceBatchHandler,
    signal: AbortSignal,
    onCommitted: () => void,
  ): Promise<void> {
    const { store, db, streamId, tenant, maxBatchEvents = 500 } = this.options;
    const subscription = store.subscribeToAll({
      after,
      filter: { streamPrefixes: [logStreamPrefix(tenant)], eventTypes: [LOG_EVENT_RECORDED] },
    });
    // Closing ends a pending read: an idle stream stops at once.
    const close = (): void => void subscription.close().catch(() => undefined);
    signal.addEventListener('abort', close, { once: true });
    try {
      for await (const records of batchesOf(subscription, { maxBatchSize: maxBatchEvents })) {
        if (signal.aborted) return;
        await handler({ events: records.map((record) => ({ position: record.position, event: logEventOf(record) })) });
        // Delivered, even if a stop came meanwhile: commit, so a restart does not send it again.
        await saveLogStreamCheckpoint(db, streamId, records[records.length - 1].position);
        onCommitted();
      }
      if (!signal.aborted) throw new Error('The subscription to the event store ended unexpectedly');
    } finally {
      signal.removeEventListener('abort', close);
      await subscription.close().catch(() => undefined);
    }
  }
}
