import { setTimeout as delay } from 'timers/promises';
import { RosterError } from '@roster/errors';
import type { LogEvent } from '@roster/logs';
import type { SinkType } from './sink-config';

/**
 * The port between a log stream's delivery loop and a SIEM. A connector sends one request per `send` (no queue, no
 * retry of its own) and says what the SIEM made of it; `deliverBatch` owns splitting, retrying and isolating bad
 * events. A connector never throws for a SIEM or network problem: only an aborted `signal` rejects `send`.
 */

export type DeliveredOutcome = { kind: 'delivered' };

/** Try the same request again later: the SIEM is busy or unreachable, or the stream is misconfigured (401/403/404). */
export type RetryOutcome = { kind: 'retry'; reason: string; retryAfterMs?: number; status?: number };

/** The SIEM refuses the request as it is: sending it again unchanged cannot help. */
export type RejectedOutcome = { kind: 'rejected'; reason: string; status?: number; badEventIndex?: number };

export type SendOutcome = DeliveredOutcome | RetryOutcome | RejectedOutcome;
export type FailedOutcome = RetryOutcome | RejectedOutcome;

export interface SinkConnector {
  readonly type: SinkType;
  /** Events per request at most. */
  readonly maxBatchEvents: number;
  /** Sum of `encodedSize` per request at most (request framing already deducted). */
  readonly maxBatchBytes: number;
  /** Bytes `event` adds to a request body, uncompressed, separator included. */
  encodedSize(event: LogEvent): number;
  /** One request carrying `events`, in order. Rejects only when `signal` aborts (RosterError `delivery_aborted`). */
  send(events: readonly LogEvent[], signal?: AbortSignal): Promise<SendOutcome>;
  /**
   * A hint that `send(events)` comes next, with this very array: the connector may start building its body (encoding,
   * compression) while the request before it is still in flight.
   */
  prepare?(events: readonly LogEvent[]): void;
  /** Closes pooled connections; the connector must not be used afterwards. */
  close(): Promise<void>;
}

export interface ConnectorOptions {
  /** Per request, from connecting to the whole answer. Default 10,000 ms. */
  timeoutMs?: number;
  /** Lower the connector's own limits (never raise them above the SIEM's). */
  maxBatchEvents?: number;
  maxBatchBytes?: number;
  /** Splunk: indexer acknowledgement (the HEC token needs useACK). Default false. */
  ack?: boolean;
  /** Splunk ack: first poll after this delay, then doubling up to 10 s. Default 1,000 ms. */
  ackPollIntervalMs?: number;
  /** Splunk ack: give up waiting (→ retry, the request is sent again) after this long. Default 300,000 ms. */
  ackTimeoutMs?: number;
  /** Milliseconds clock, for Retry-After dates and ack deadlines. */
  now?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export const deliveryAborted = (reason?: unknown): RosterError =>
  new RosterError('unavailable', 'delivery_aborted', 'Delivery was aborted; the events were not all delivered', {
    cause: reason,
    retriable: true,
  });

export const isDeliveryAborted = (error: unknown): error is RosterError =>
  error instanceof RosterError && error.code === 'delivery_aborted';

/** Waits `ms`; rejects with `delivery_aborted` as soon as `signal` aborts. */
export const abortableSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  if (signal?.aborted) throw deliveryAborted(signal.reason);
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    throw signal?.aborted ? deliveryAborted(signal.reason) : error;
  }
};
