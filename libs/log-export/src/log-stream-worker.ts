import { isRosterError } from '@roster/errors';
import {
  createConnector,
  deliverBatch,
  type BackoffOptions,
  type ConnectorOptions,
  type FailedOutcome,
  type SinkConnector,
} from '@roster/log-sinks';
import type { SqlDatabase } from '@roster/sql';
import type { LogStreamDefinition } from './log-stream-definition';
import {
  clearSuspension,
  openLogStreamHealth,
  recordHandledBatch,
  recordHealthError,
  recordSuspension,
} from './log-stream-health';
import type { LogSource, SourceBatch } from './log-source';
import { eventScopeOf } from './stream-scope';
import { safely, type MetricHook } from './support';

/**
 * Runs one log stream: source → scope (after the stream's start, in its filters, not yet handled) → deliverBatch →
 * dead letters and health in one transaction → the source commits. A batch is either delivered and recorded before
 * the source commits, or not committed at all (at least once).
 *
 * Health: every failed attempt is an error in the stream's health (the last 10 are kept); an attempt that could not
 * reach the SIEM marks the stream failing since then, a batch that reached it clears that. A stream failing longer
 * than `suspendAfterMs` is suspended at its revision: the worker stops with its position where it was, and a new
 * revision (resume) continues from there with a new failure window.
 */

/** Requests in flight per stream: the second overlaps the SIEM's work on the first. */
export const DEFAULT_REQUEST_CONCURRENCY = 2;

/** Auth0 pauses a stream unreachable for 7 consecutive days. */
export const DEFAULT_SUSPEND_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Counters a worker reports through `onMetric` (labels: `stream`, `tenant`, `type`; failures add `kind`). */
export const LOG_STREAM_METRICS = {
  delivered: 'log_stream_events_delivered_total',
  deadLettered: 'log_stream_events_dead_lettered_total',
  skipped: 'log_stream_events_skipped_total',
  failedAttempts: 'log_stream_delivery_failures_total',
  batches: 'log_stream_batches_total',
  suspensions: 'log_stream_suspensions_total',
} as const;

export type LogStreamWorkerOutcome = 'stopped' | 'suspended';

/** The labels of a stream's metrics. */
export const logStreamMetricLabels = ({ id, tenant, type }: LogStreamDefinition): Record<string, string> => ({
  stream: id,
  tenant,
  type,
});

export interface LogStreamWorkerOptions {
  definition: LogStreamDefinition;
  source: LogSource;
  /** The database of `log_stream_health` / `log_stream_dead_letters` (see `ensureLogExportSchema`). */
  db: SqlDatabase;
  /** Default 7 days. */
  suspendAfterMs?: number;
  connectorOptions?: ConnectorOptions;
  /** deliverBatch's retry backoff (tests shorten it). */
  backoff?: Partial<BackoffOptions>;
  /**
   * Requests to the SIEM in flight at once (default 2): while the SIEM reads one request the next is encoded and
   * sent. Neighbouring requests may then arrive out of order (never the events within one); SIEMs order by time.
   */
  requestConcurrency?: number;
  onMetric?: MetricHook;
  /** Failures the worker goes on after (a health write that failed). */
  onError?: (error: unknown) => void;
  /** Milliseconds clock. Default Date.now. */
  now?: () => number;
}

/** Longest setTimeout delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class LogStreamWorker {
  private readonly definition: LogStreamDefinition;
  private readonly db: SqlDatabase;
  private readonly suspendAfterMs: number;
  private readonly now: () => number;
  private readonly labels: Readonly<Record<string, string>>;
  private readonly suspension = new AbortController();
  /** Failure records are written in order, off the delivery path; a batch waits for them before it records. */
  private healthWrites: Promise<void> = Promise.resolve();
  private failingSince: number | undefined;
  /** A failed attempt to reach the SIEM was seen in this run, and no success since. */
  private failing = false;
  private suspensionTimer?: NodeJS.Timeout;
  private suspending?: Promise<void>;
  private handledUpTo: bigint | undefined;

  constructor(private readonly options: LogStreamWorkerOptions) {
    this.definition = options.definition;
    this.db = options.db;
    this.suspendAfterMs = options.suspendAfterMs ?? DEFAULT_SUSPEND_AFTER_MS;
    this.now = options.now ?? Date.now;
    this.labels = logStreamMetricLabels(this.definition);
  }

  /**
   * Runs until `signal` aborts ('stopped') or the stream gets suspended ('suspended'; also at once when it already is
   * at this revision). Rejects when it cannot start (bad sink configuration, database down) or its source fails.
   */
  async run(signal: AbortSignal): Promise<LogStreamWorkerOutcome> {
    const { id, tenant, revision } = this.definition;
    const health = await openLogStreamHealth(this.db, id, tenant);
    if (health.suspendedRevision === revision) return 'suspended';
    if (health.suspendedRevision !== undefined) await clearSuspension(this.db, id);
    else this.failingSince = health.failingSince?.getTime();
    this.handledUpTo = health.lastPosition;

    const connector = createConnector(this.definition, this.options.connectorOptions);
    const stop = AbortSignal.any([signal, this.suspension.signal]);
    try {
      await this.options.source.run((batch) => this.handle(batch, connector, stop), stop);
      await this.suspending;
    } finally {
      clearTimeout(this.suspensionTimer);
      await this.healthWrites;
      await connector.close().catch(() => undefined);
    }
    return this.suspension.signal.aborted ? 'suspended' : 'stopped';
  }

  private async handle(batch: SourceBatch, connector: SinkConnector, signal: AbortSignal): Promise<void> {
    if (batch.events.length === 0) return;
    const inScope = eventScopeOf(this.definition, this.handledUpTo);
    const wanted = batch.events.filter(inScope).map((sourced) => sourced.event);
    const skipped = batch.events.length - wanted.length;
    const result =
      wanted.length === 0
        ? undefined
        : await deliverBatch(connector, wanted, {
            signal,
            backoff: this.options.backoff,
            concurrency: this.options.requestConcurrency ?? DEFAULT_REQUEST_CONCURRENCY,
            onAttemptFailed: (outcome) => this.attemptFailed(outcome),
          });
    await this.healthWrites;
    const lastPosition = batch.events[batch.events.length - 1].position;
    await this.db.transaction((tx) =>
      recordHandledBatch(tx, this.definition.id, {
        tenant: this.definition.tenant,
        at: this.now(),
        lastPosition,
        delivered: result?.delivered.length ?? 0,
        deadLetters: result?.deadLettered ?? [],
        reachedSink: result !== undefined,
      }),
    );
    this.handledUpTo = lastPosition;
    if (result) this.recovered();
    this.count(LOG_STREAM_METRICS.batches, 1);
    this.count(LOG_STREAM_METRICS.skipped, skipped);
    this.count(LOG_STREAM_METRICS.delivered, result?.delivered.length ?? 0);
    this.count(LOG_STREAM_METRICS.deadLettered, result?.deadLettered.length ?? 0);
  }

  private attemptFailed(outcome: FailedOutcome): void {
    const at = this.now();
    // Refused events are the SIEM's answer, not a failure to reach it: they are dead-lettered, the stream goes on.
    const unreachable = outcome.kind === 'retry';
    this.count(LOG_STREAM_METRICS.failedAttempts, 1, { kind: outcome.kind });
    // Once suspending, the suspension is the stream's last word: an attempt still in flight records nothing after it.
    if (this.suspending) return;
    this.writeHealth(() =>
      recordHealthError(this.db, this.definition.id, { at, message: outcome.reason, failing: unreachable }),
    );
    if (!unreachable) return;
    this.failing = true;
    if (this.failingSince === undefined) this.failingSince = at;
    this.checkSuspension();
  }

  private recovered(): void {
    this.failing = false;
    this.failingSince = undefined;
    clearTimeout(this.suspensionTimer);
    this.suspensionTimer = undefined;
  }

  /**
   * Suspends when the stream has been failing for `suspendAfterMs`; otherwise checks again when it will have been,
   * so a stream waiting out a long backoff is suspended on time.
   */
  private checkSuspension(): void {
    clearTimeout(this.suspensionTimer);
    this.suspensionTimer = undefined;
    if (this.suspending || !this.failing || this.failingSince === undefined) return;
    const now = this.now();
    if (now - this.failingSince < this.suspendAfterMs) {
      const due = this.failingSince + this.suspendAfterMs - now;
      this.suspensionTimer = setTimeout(() => this.checkSuspension(), Math.min(MAX_TIMER_MS, due));
      return;
    }
    const hours = Math.round(this.suspendAfterMs / 36e5);
    const span = hours >= 1 ? `${hours} h` : `${this.suspendAfterMs} ms`;
    this.suspending = this.healthWrites
      .then(() =>
        recordSuspension(this.db, this.definition.id, {
          at: now,
          revision: this.definition.revision,
          message: `Suspended after failing to deliver for more than ${span}; resume the stream to continue`,
        }),
      )
      .then(
        () => {
          this.count(LOG_STREAM_METRICS.suspensions, 1);
          this.suspension.abort(new Error('log stream suspended'));
        },
        (error: unknown) => {
          // Not recorded, not suspended: the next failed attempt tries again.
          this.suspending = undefined;
          safely(this.options.onError, error);
        },
      );
  }

  private writeHealth(write: () => Promise<void>): void {
    this.healthWrites = this.healthWrites.then(write).catch((error: unknown) => safely(this.options.onError, error));
  }

  private count(name: string, value: number, extra: Record<string, string> = {}): void {
    if (value > 0) safely(this.options.onMetric, name, { ...this.labels, ...extra }, value);
  }
}

/** A message safe to show in a stream's health for a worker failure: RosterErrors say what is wrong without secrets. */
export const healthMessageOf = (error: unknown): string =>
  isRosterError(error) ? error.message : 'The delivery worker failed; it is restarted';
