import { randomUUID } from 'crypto';
import { RosterError } from '@roster/errors';
import { MAX_INGESTED_PER_REQUEST, checkIngestedLog, type LogEventRecorded } from '@roster/logs';
import type { LogsReader } from '@roster/read-models';
import { derivedUuid } from '@roster/registry-domain';
import { BoundedMap } from '@roster/security';
import type { RegistryLookups } from '../tenancy/registry-lookups';
import type { KeyedLogEvent, LogWriter } from './log-writer';

export interface IngestionResult {
  /** Items stored by this request, with their idempotency id (the item's `id`, or one generated). */
  stored: { index: number; id: string }[];
  /** Items whose `id` was stored before (by an earlier request or earlier in this one): not stored again. */
  duplicates: { index: number; id: string }[];
  rejected: { index: number; message: string }[];
}

/** Ingestion ids this process stored lately: a retry is caught before the log read model has caught up. */
const RECENT_IDS = 200_000;

/**
 * `POST logs`: authentication events reported by login services, checked one by one (a bad item never drops a good
 * one), then stored in one append. Idempotent by the item's `id`: ids stored earlier are found in the log read model,
 * in this process's recent ids (the read model lags by milliseconds), or, for a retried batch, by the event store
 * itself (same ids, same stream, same events). The log projection ignores a second event with a stored id, so even two
 * registries racing on one id show it once.
 */
export class LogIngestion {
  private readonly recent = new BoundedMap<string, true>(RECENT_IDS);
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly writer: LogWriter,
    private readonly lookups: RegistryLookups,
    private readonly logs: LogsReader,
    private readonly now: () => number = Date.now,
  ) {}

  async ingest(tenant: string, body: unknown): Promise<IngestionResult> {
    if (!Array.isArray(body) || body.length === 0 || body.length > MAX_INGESTED_PER_REQUEST) {
      throw new RosterError(
        'validation',
        'invalid_body',
        `Payload validation error: 'Expected an array of 1 to ${MAX_INGESTED_PER_REQUEST} log events'`,
      );
    }
    const result: IngestionResult = { stored: [], duplicates: [], rejected: [] };
    const now = this.now();
    const knownClients = new Map<string, Promise<boolean>>();
    const clientExists = (clientId: string) => {
      if (!knownClients.has(clientId))
        knownClients.set(
          clientId,
          this.lookups.application(tenant, clientId).then((client) => client !== undefined),
        );
      return knownClients.get(clientId)!;
    };

    const accepted: { index: number; id: string; event: KeyedLogEvent; keyed: boolean }[] = [];
    for (let index = 0; index < body.length; index++) {
      const checked = checkIngestedLog(body[index], tenant, now);
      if (!checked.ok) {
        result.rejected.push({ index, message: checked.violations[0].message });
        continue;
      }
      const clientId = checked.draft.client_id;
      // A client of another tenant is unknown here, exactly like one that never existed.
      if (clientId !== undefined && !(await clientExists(clientId))) {
        result.rejected.push({ index, message: `Unknown client_id: ${clientId.slice(0, 64)}` });
        continue;
      }
      const keyed = checked.ingestId !== undefined;
      const id = checked.ingestId ?? randomUUID();
      const data: LogEventRecorded['data'] = checked.draft; // a fresh object: no copy needed to add the key
      if (keyed) data.ingest_id = id;
      const eventId = keyed ? derivedUuid(['log-event', tenant, id]) : randomUUID();
      accepted.push({ index, id, keyed, event: { eventId, data } });
    }

    // Claimed synchronously, so two concurrent requests of this process cannot both store one id.
    const fresh: typeof accepted = [];
    const claimed: string[] = [];
    for (const item of accepted) {
      const key = `${tenant}\u0000${item.id}`;
      if (item.keyed && (this.recent.get(key) || this.inFlight.has(key))) result.duplicates.push(item);
      else {
        if (item.keyed) {
          this.inFlight.add(key);
          claimed.push(key);
        }
        fresh.push(item);
      }
    }
    try {
      const stored = await this.logs.storedIngestIds(
        tenant,
        fresh.filter((item) => item.keyed).map((item) => item.id),
      );
      const toStore = fresh.filter((item) => !(item.keyed && stored.has(item.id)));
      result.duplicates.push(...fresh.filter((item) => item.keyed && stored.has(item.id)));
      const batchId = toStore.every((item) => item.keyed)
        ? derivedUuid(['log-batch', tenant, ...toStore.map((item) => item.id).sort()])
        : randomUUID();
      await this.writer.recordBatch(
        tenant,
        batchId,
        toStore.map((item) => item.event),
      );
      for (const key of claimed) this.recent.set(key, true);
      result.stored.push(...toStore);
    } finally {
      for (const key of claimed) this.inFlight.delete(key);
    }
    const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;
    return {
      stored: result.stored.map(({ index, id }) => ({ index, id })).sort(byIndex),
      duplicates: result.duplicates.map(({ index, id }) => ({ index, id })).sort(byIndex),
      rejected: result.rejected,
    };
  }
}
