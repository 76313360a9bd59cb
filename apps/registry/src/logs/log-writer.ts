import { randomUUID } from 'crypto';
import type { EventStore, EventToAppend } from '@roster/event-store';
import { LOG_EVENT_RECORDED, jsonSafe, logStream, type LogEventDraft, type LogEventRecorded } from '@roster/logs';

/** Most log events written in one append. */
const MAX_BATCH = 1000;

interface Pending {
  tenant: string;
  event: EventToAppend;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** An ingested log event with the ids that make its storage idempotent. */
export interface KeyedLogEvent {
  eventId: string;
  data: LogEventRecorded['data'];
}

/**
 * Writes log events durably: `record` resolves once the event is in the event store, so a response can wait for its
 * log event. Concurrent events are written together (group commit): while one append is in flight the next ones
 * queue, and each tenant's queued events then go out as one append of many events, which costs the database about
 * what one event costs. Under light load an event is written at once, alone.
 */
export class LogWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private written = 0n;

  constructor(private readonly store: EventStore) {}

  /** Global position of the last log event this process stored: reads of the log wait until they include it. */
  get lastWrittenPosition(): bigint {
    return this.written;
  }

  record(tenant: string, draft: LogEventDraft): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const event = {
        id: randomUUID(),
        type: LOG_EVENT_RECORDED,
        data: jsonSafe(draft) as unknown as Record<string, unknown>,
      };
      this.queue.push({ tenant, event, resolve, reject });
      void this.flush();
    });
  }

  /**
   * Ingested events, as one append to a stream named by the caller: retrying the same batch with the same ids is an
   * idempotent append (the event store returns the first one's result).
   */
  async recordBatch(tenant: string, batchId: string, events: readonly KeyedLogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { position } = await this.store.append(
      logStream(tenant, batchId),
      events.map(({ eventId, data }) => ({
        id: eventId,
        type: LOG_EVENT_RECORDED,
        data: data as unknown as Record<string, unknown>,
      })),
      'no_stream',
    );
    this.advance(position);
  }

  private advance(position: bigint): void {
    if (position > this.written) this.written = position;
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // One turn of the event loop first: the requests whose bytes arrived with this one reach `record` in it, and
        // go out in the same append instead of one commit each.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.queue.splice(0, MAX_BATCH);
        const byTenant = new Map<string, Pending[]>();
        for (const pending of batch) {
          const list = byTenant.get(pending.tenant);
          if (list) list.push(pending);
          else byTenant.set(pending.tenant, [pending]);
        }
        await Promise.all(
          [...byTenant].map(async ([tenant, pendings]) => {
            try {
              const { position } = await this.store.append(
                logStream(tenant, pendings[0].event.id),
                pendings.map((p) => p.event),
                'no_stream',
              );
              this.advance(position);
              for (const p of pendings) p.resolve();
            } catch (error) {
              for (const p of pendings) p.reject(error);
            }
          }),
        );
      }
    } finally {
      this.flushing = false;
    }
  }
}
