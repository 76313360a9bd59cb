import type { EventStore, GlobalLogFilter } from '@roster/event-store';
import { LOG_EVENT_RECORDED, LOG_STREAMS } from '@roster/logs';
import { EventLogLagMeter, MetricsRegistry } from '@roster/observability';
import { ProjectionSet, type Projection, type ProjectionRunner } from '@roster/read-models';

/** A runner with the projections it runs (their stream filter says which events it waits for). */
export interface MeasuredRunner {
  runner: Pick<ProjectionRunner, 'checkpointName' | 'position'>;
  projections: readonly Projection[];
}

/**
 * `roster_projection_lag_positions` and `roster_projection_lag_seconds` per checkpoint, measured at each scrape:
 * head − checkpoint and the age of the oldest event not yet applied, both 0 once nothing it projects is waiting.
 */
export const collectProjectionLag = (
  metrics: MetricsRegistry,
  store: EventStore,
  runners: readonly MeasuredRunner[],
): void => {
  const positions = metrics.gauge(
    'roster_projection_lag_positions',
    'Head of the event log minus the read models checkpoint, while an event they project is waiting (else 0)',
  );
  const seconds = metrics.gauge(
    'roster_projection_lag_seconds',
    'Age of the oldest event the read models have not applied yet (0 when caught up)',
  );
  for (const { runner, projections } of runners) {
    const meter = new EventLogLagMeter(store, new ProjectionSet(runner.checkpointName, projections).filter);
    const labels = { checkpoint: runner.checkpointName };
    metrics.addCollector(async () => {
      const lag = await meter.measure(runner.position);
      positions.set(labels, lag.positions);
      seconds.set(labels, lag.seconds);
    });
  }
};

/** What a relay to Kafka takes from the event log, and its label in the lag series. */
export interface MeasuredRelay {
  relay: { readonly position: bigint };
  name: string;
  filter: GlobalLogFilter;
}

/** The log events' relay, as measured by collectRelayLag. */
export const logRelayMeasure = (relay: { readonly position: bigint }): MeasuredRelay => ({
  relay,
  name: 'log-events',
  filter: { streamPrefixes: [LOG_STREAMS], eventTypes: [LOG_EVENT_RECORDED] },
});

/**
 * `roster_relay_lag_positions` and `roster_relay_lag_seconds` per relay (`relay` label): how far Kafka is behind the
 * events of the event store that relay takes.
 */
export const collectRelayLag = (metrics: MetricsRegistry, store: EventStore, relays: readonly MeasuredRelay[]) => {
  const positions = metrics.gauge(
    'roster_relay_lag_positions',
    'Head of the event log minus the position of the last event relayed to Kafka, while one is waiting (else 0)',
  );
  const seconds = metrics.gauge(
    'roster_relay_lag_seconds',
    'Age of the oldest event not yet relayed to Kafka (0 when caught up)',
  );
  for (const { relay, name, filter } of relays) {
    const meter = new EventLogLagMeter(store, filter);
    metrics.addCollector(async () => {
      const lag = await meter.measure(relay.position);
      positions.set({ relay: name }, lag.positions);
      seconds.set({ relay: name }, lag.seconds);
    });
  }
};
