import type { LogStreamFilter } from '@roster/logs';
import type { SinkType } from '@roster/log-sinks';
import type { DomainEvent } from '../decider';
import type { JsonObject } from '../shared/json';

/** What the API may set; `suspended` is never configured, the exporter reports it (see the read model's health). */
export const LOG_STREAM_STATUSES = ['active', 'paused'] as const;
export type LogStreamStatus = (typeof LOG_STREAM_STATUSES)[number];

/** Mutable part of a log stream (`type` and `start_from` are fixed at creation). */
export type LogStreamSettings = {
  name: string;
  status: LogStreamStatus;
  /** Empty = every log event of the tenant. */
  filters: LogStreamFilter[];
  /** Auth0's `isPriority`, stored as given; absent when never given. */
  is_priority?: boolean;
  /** The sink's public fields; the secret ones (SECRET_SINK_FIELDS) travel only sealed, in `sealed_secrets`. */
  sink: JsonObject;
};

export type LogStreamCreated = DomainEvent<
  'LogStreamCreated',
  LogStreamSettings & {
    tenant: string;
    id: string;
    at: string;
    type: SinkType;
    /** The sink's secret fields as JSON, sealed with SecretBox by the handler (the decider never sees a key). */
    sealed_secrets: string;
    /** ISO date: deliver the tenant's log events dated from then on (Auth0's create-only `startFrom`). */
    start_from?: string;
  }
>;

export type LogStreamChanged = DomainEvent<
  'LogStreamChanged',
  {
    tenant: string;
    id: string;
    at: string;
    /** Only what differs; `sink` is the whole new public sink. */
    changes: Partial<LogStreamSettings>;
    /** Present when a secret field changed: the new secret fields, sealed. */
    sealed_secrets?: string;
  }
>;

/**
 * `PATCH {status: "active"}` on a stream the exporter suspended: nothing configured changes, but the revision must
 * move so that the exporter restarts the stream (suspension holds for one revision).
 */
export type LogStreamResumed = DomainEvent<'LogStreamResumed', { tenant: string; id: string; at: string }>;

export type LogStreamDeleted = DomainEvent<'LogStreamDeleted', { tenant: string; id: string; at: string }>;

export type LogStreamEvent = LogStreamCreated | LogStreamChanged | LogStreamResumed | LogStreamDeleted;

export const LOG_STREAM_EVENT_TYPES = [
  'LogStreamCreated',
  'LogStreamChanged',
  'LogStreamResumed',
  'LogStreamDeleted',
] as const;
export type LogStreamEventType = (typeof LOG_STREAM_EVENT_TYPES)[number];
