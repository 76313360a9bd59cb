import type { LogEventDraft } from './log-event';

/**
 * The one event of the log: a log event was recorded. Each lives in its own stream, `logs-<tenant>:<event id>`, so
 * appends never contend on a stream and every tenant's log is one stream prefix of the global log.
 */
export interface LogEventRecorded {
  type: 'LogEventRecorded';
  data: LogEventDraft & {
    /** Idempotency key of an ingested event (the reporter's `id`); a second event with the same key is ignored. */
    ingest_id?: string;
  };
}

export const LOG_EVENT_RECORDED = 'LogEventRecorded';

/** Every log stream of a tenant starts with this (`:` cannot occur in a tenant name, so no tenant prefixes another). */
export const logStreamPrefix = (tenant: string): string => `logs-${tenant}:`;
export const logStream = (tenant: string, eventId: string): string => `${logStreamPrefix(tenant)}${eventId}`;
/** Prefix of all tenants' log streams. */
export const LOG_STREAMS = 'logs-';

/** The tenant a log stream (`logs-<tenant>:<id>`) belongs to. */
export const tenantOfLogStream = (streamId: string): string =>
  streamId.slice(LOG_STREAMS.length, streamId.indexOf(':'));
