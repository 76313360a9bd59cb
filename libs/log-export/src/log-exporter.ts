import type { BackoffOptions, ConnectorOptions } from '@roster/log-sinks';
import type { SqlDatabase } from '@roster/sql';
import { ensureLogExportSchema } from './log-export.schema';
import type { LogStreamDefinition } from './log-stream-definition';
import { readSuspendedRevisions, recordHealthError } from './log-stream-health';
import {
  healthMessageOf,
  logStreamMetricLabels,
  LogStreamWorker,
  type LogStreamWorkerOutcome,
} from './log-stream-worker';
import type { LogSource } from './log-source';
import { retryDelay, safely, type MetricHook } from './support';

/**
 * Supervises the log stream workers of a process: polls the stream definitions and keeps one worker per active,
 * not suspended stream, restarting it when its revision changes and stopping it when the stream is paused, deleted or
 * suspended. A worker that fails (bad sink configuration, database or broker down at start) is started again after an
 * exponential pause, at once when its stream gets a new revision; the failure shows in the stream's health.
 */

export const LOG_EXPORTER_METRICS = {
  workerStarts: 'log_stream_worker_starts_total',
  workerFailures: 'log_stream_worker_failures_total',
} as const;

export interface LogExporterOptions {
  /** Every log stream, paused ones included (the registry's read model, sink secrets opened). */
  definitions: () => Promise<LogStreamDefinition[]>;
  /** A new source for a worker of `definition` (Kafka in split mode, the event store in all-in-one mode). */
  sourceFor: (definition: LogStreamDefinition) => LogSource;
  /** The read models' database: health, dead letters, checkpoints. */
  db: SqlDatabase;
  /** How often the definitions are read. Default 5,000 ms. */
  pollIntervalMs?: number;
  /** Default 7 days. */
  suspendAfterMs?: number;
  connectorOptions?: ConnectorOptions;
  /** deliverBatch's retry backoff (tests shorten it). */
  backoff?: Partial<BackoffOptions>;
  /** First pause before a failed worker starts again, doubled per consecutive failure up to 60 s. Default 1,000 ms. */
  restartDelayMs?: number;
  onMetric?: MetricHook;
  /** Failures the exporter goes on after; `streamId` when one stream's. Messages may name hosts, never secrets. */
  onError?: (error: unknown, context: { streamId?: string }) => void;
}

interface Worker {
  definition: LogStreamDefinition;
  controller: AbortController;
  done: Promise<void>;
}

interface Failures {
  revision: number;
  count: number;
  retryAt: number;
}

export class LogExporter {
  private readonly workers = new Map<string, Worker>();
  private readonly failures = new Map<string, Failures>();
  private stopping = false;
  /** Cuts the poll pause short: a worker ended, or stop(). */
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(private readonly options: LogExporterOptions) {}

  /** Creates the exporter's tables, starts the workers of the current definitions, then polls in the background. */
  async start(): Promise<void> {
    if (this.loop || this.stopping) return;
    await ensureLogExportSchema(this.options.db);
    await this.reconcile();
    this.loop = this.poll();
  }

  /**
   * Stops polling, aborts every worker and waits for them: a batch in flight is either delivered and committed or
   * left uncommitted (delivered again by the next start).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    for (const worker of this.workers.values()) worker.controller.abort();
    await Promise.all([...this.workers.values()].map((worker) => worker.done));
  }

  /** Stream id → revision of each running worker (a worker being stopped included). */
  runningStreams(): Map<string, number> {
    return new Map([...this.workers].map(([id, worker]) => [id, worker.definition.revision]));
  }

  private async poll(): Promise<void> {
    const interval = this.options.pollIntervalMs ?? 5_000;
    while (!this.stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.wake?.(), interval);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
      if (this.stopping) return;
      await this.reconcile();
    }
  }

  /** Makes the running workers match the definitions. Never throws: a failed read keeps the workers as they are. */
  private async reconcile(): Promise<void> {
    let wanted: Map<string, LogStreamDefinition>;
    try {
      const [definitions, suspended] = await Promise.all([
        this.options.definitions(),
        readSuspendedRevisions(this.options.db),
      ]);
      wanted = new Map(
        definitions.filter((d) => d.status === 'active' && suspended.get(d.id) !== d.revision).map((d) => [d.id, d]),
      );
    } catch (error) {
      safely(this.options.onError, error, {});
      return;
    }
    for (const [id, worker] of this.workers) {
      // The replacement starts once this one has ended (its end wakes the poll).
      if (wanted.get(id)?.revision !== worker.definition.revision) worker.controller.abort();
    }
    const now = Date.now();
    for (const definition of wanted.values()) {
      if (this.stopping) return;
      if (this.workers.has(definition.id)) continue;
      const failed = this.failures.get(definition.id);
      if (failed && failed.revision === definition.revision && failed.retryAt > now) continue;
      this.startWorker(definition);
    }
  }

  private startWorker(definition: LogStreamDefinition): void {
    const { options } = this;
    const controller = new AbortController();
    safely(options.onMetric, LOG_EXPORTER_METRICS.workerStarts, logStreamMetricLabels(definition), 1);
    const run = async (): Promise<LogStreamWorkerOutcome> =>
      new LogStreamWorker({
        definition,
        source: options.sourceFor(definition),
        db: options.db,
        suspendAfterMs: options.suspendAfterMs,
        connectorOptions: options.connectorOptions,
        backoff: options.backoff,
        onMetric: options.onMetric,
        onError: (error) => safely(options.onError, error, { streamId: definition.id }),
      }).run(controller.signal);
    const done = run()
      .then((outcome) => {
        // A worker that ends on its own without being suspended is restarted like a failed one, not in a tight loop.
        if (outcome === 'stopped' && !controller.signal.aborted) throw new Error('The log stream worker ended');
        this.failures.delete(definition.id);
      })
      .catch((error: unknown) => this.workerFailed(definition, error))
      .finally(() => {
        this.workers.delete(definition.id);
        this.wake?.();
      });
    this.workers.set(definition.id, { definition, controller, done });
  }

  private async workerFailed(definition: LogStreamDefinition, error: unknown): Promise<void> {
    const { id, revision } = definition;
    const previous = this.failures.get(id);
    const count = previous?.revision === revision ? previous.count + 1 : 1;
    const delay = retryDelay(count, this.options.restartDelayMs ?? 1_000, 60_000);
    this.failures.set(id, { revision, count, retryAt: Date.now() + delay });
    safely(this.options.onMetric, LOG_EXPORTER_METRICS.workerFailures, logStreamMetricLabels(definition), 1);
    safely(this.options.onError, error, { streamId: id });
    await recordHealthError(this.options.db, id, { at: Date.now(), message: healthMessageOf(error) }).catch(
      () => undefined,
    );
  }
}
