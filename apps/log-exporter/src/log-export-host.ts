import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type logCreator } from 'kafkajs';
import type { RosterConfig } from '@roster/config';
import {
  EventStoreLogSource,
  KafkaLogSource,
  LOG_EXPORTER_METRICS,
  LOG_STREAM_METRICS,
  LogExporter,
  ensureLogExportSchema,
  logStreamMetricLabels,
  startPositionOf,
  type LogStreamDefinition,
  type MetricHook,
} from '@roster/log-export';
import type { MetricsRegistry, ReadinessCheck } from '@roster/observability';
import { LogStreamHealthReader, LogStreamsReader, sinkSecretsOpener } from '@roster/read-models';
import type { Storage } from '@roster/runtime';
import type { SecretCrypto } from '@roster/security';

/** Where the log streams read their tenant's log events. */
export type LogExportSource = { kind: 'event-store' } | { kind: 'kafka'; kafka: Kafka };

/** kafkajs's own messages through the process logger, so they come out in its format (JSON lines in production). */
const kafkaLogs: logCreator = () => {
  const logger = new Logger('kafka');
  return ({ namespace, level, log }) => {
    const text = `${namespace}: ${log.message}${log.broker ? ` (broker ${String(log.broker)})` : ''}`;
    if (level === logLevel.ERROR) logger.error(text);
    else if (level === logLevel.WARN) logger.warn(text);
  };
};

export const kafkaFor = (config: Pick<RosterConfig, 'kafkaBrokers'>, clientId: string): Kafka =>
  new Kafka({ clientId, brokers: config.kafkaBrokers, logLevel: logLevel.ERROR, logCreator: kafkaLogs });

/**
 * Readiness of the Kafka brokers: a metadata round trip, no retries, with a client of its own that logs nothing (a
 * broker that is down is what the check reports, not an error to log on every probe). It always disconnects, even
 * when the probe gave up waiting.
 */
export const kafkaReadiness = (config: Pick<RosterConfig, 'kafkaBrokers'>, critical = true): ReadinessCheck => {
  const kafka = new Kafka({
    clientId: 'roster-health',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1500,
    requestTimeout: 1500,
  });
  return {
    name: 'kafka',
    critical,
    check: async () => {
      const admin = kafka.admin({ retry: { retries: 0 } });
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
};

const LOG_STREAM_COUNTERS: Record<string, string> = {
  [LOG_STREAM_METRICS.delivered]: 'Log events a stream delivered to its SIEM',
  [LOG_STREAM_METRICS.deadLettered]: 'Log events the SIEM refused, kept as dead letters',
  [LOG_STREAM_METRICS.skipped]: 'Log events a stream passed over (before its start, or outside its filters)',
  [LOG_STREAM_METRICS.failedAttempts]:
    'Delivery attempts that failed, by kind: retry (SIEM unreachable or refusing for now) or rejected (content refused)',
  [LOG_STREAM_METRICS.batches]: 'Batches a stream handled and committed',
  [LOG_STREAM_METRICS.suspensions]: 'Times a stream was suspended after failing for too long',
  [LOG_EXPORTER_METRICS.workerStarts]: 'Starts of a stream delivery worker',
  [LOG_EXPORTER_METRICS.workerFailures]: 'Stream delivery workers that failed and are restarted after a pause',
};

/**
 * The exporter's metric hook as Prometheus counters (`roster_` + its name, labels stream, tenant, type). A failed
 * attempt of kind `retry` is a retry (deliverBatch backs off and sends the same request again), so it is also
 * counted as `roster_log_stream_delivery_retries_total`.
 */
export const logExportMetricHook = (metrics: MetricsRegistry): MetricHook => {
  const retries = metrics.counter(
    'roster_log_stream_delivery_retries_total',
    'Delivery requests a stream sends again after the SIEM could not take them',
  );
  return (name, labels, value) => {
    metrics.counter(`roster_${name}`, LOG_STREAM_COUNTERS[name] ?? name).inc({ ...labels }, value);
    if (name === LOG_STREAM_METRICS.failedAttempts && labels.kind === 'retry') {
      const { kind: _kind, ...stream } = labels;
      retries.inc(stream, value);
    }
  };
};

/**
 * `roster_log_stream_lag_events` per active stream, measured at each scrape: the tenant's log events after the last
 * one the stream handled (the number the Management API shows as `health.lag`, counted up to 100,000).
 */
export const collectLogStreamLag = (
  metrics: MetricsRegistry,
  streams: Pick<LogStreamsReader, 'definitions'>,
  health: Pick<LogStreamHealthReader, 'of'>,
): void => {
  const lag = metrics.gauge(
    'roster_log_stream_lag_events',
    "Log events of the stream's tenant after the last one it handled (up to 100000)",
  );
  metrics.addCollector(async () => {
    const active = (await streams.definitions()).filter((definition) => definition.status === 'active');
    const series = await Promise.all(
      active.map(async (definition) => {
        const { health: now } = await health.of(definition.tenant, definition.id, definition.createdPosition);
        return [logStreamMetricLabels(definition), now.lag] as const;
      }),
    );
    lag.replaceAll(series);
  });
};

/**
 * Runs every active log stream: a worker per stream, fed from Kafka (split mode: one consumer group per stream) or
 * straight from the event store's log with a checkpoint per stream (all-in-one), delivering through the stream's sink
 * connector. The stream definitions (sink secrets opened with SECRETS_KEY) come from the registry's read model.
 * With `metrics`, delivery outcomes are counted and each stream's lag measured at every scrape.
 */
export const startLogExport = async (
  config: RosterConfig,
  storage: Storage,
  secrets: SecretCrypto,
  source: LogExportSource,
  metrics?: MetricsRegistry,
): Promise<LogExporter> => {
  const logger = new Logger('log-exporter');
  await ensureLogExportSchema(storage.readModels);
  const streams = new LogStreamsReader(storage.readModels, sinkSecretsOpener(secrets.box));
  const sourceFor = (definition: LogStreamDefinition) =>
    source.kind === 'kafka'
      ? new KafkaLogSource({
          kafka: source.kafka,
          topic: config.kafkaLogTopic,
          streamId: definition.id,
          tenant: definition.tenant,
        })
      : new EventStoreLogSource({
          store: storage.eventStore,
          db: storage.readModels,
          streamId: definition.id,
          tenant: definition.tenant,
          startAfter: startPositionOf(definition),
        });
  if (metrics) collectLogStreamLag(metrics, streams, new LogStreamHealthReader(storage.readModels));
  const exporter = new LogExporter({
    definitions: () => streams.definitions(),
    sourceFor,
    db: storage.readModels,
    // A paused, resumed or edited stream takes effect within a second.
    pollIntervalMs: 1000,
    suspendAfterMs: config.logStreamSuspendAfterSeconds * 1000,
    backoff: { capMs: config.logStreamMaxRetryDelaySeconds * 1000 },
    onMetric: metrics ? logExportMetricHook(metrics) : undefined,
    onError: (error, { streamId }) =>
      logger.warn(`${streamId ? `log stream ${streamId}: ` : ''}${(error as Error)?.message ?? String(error)}`),
  });
  await exporter.start();
  return exporter;
};
