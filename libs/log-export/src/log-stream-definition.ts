import type { LogStreamFilter } from '@roster/logs';
import type { SinkConfig } from '@roster/log-sinks';

/**
 * What the exporter needs to run one log stream: the contract between the registry's log stream read model (which
 * holds the sink secrets sealed) and the delivery workers (which get them opened).
 */
export type LogStreamDefinition = SinkConfig & {
  id: string;
  tenant: string;
  name: string;
  /** As configured through the API; `suspended` is not configured, it is what the exporter reports (see health). */
  status: 'active' | 'paused';
  /** Grows with every change of the stream; a worker restarts when it changes, and suspension is per revision. */
  revision: number;
  /** Empty = every log event of the tenant. */
  filters: readonly LogStreamFilter[];
  /** Global position when the stream was created: it delivers the tenant's log events after it... */
  createdPosition: bigint;
  /** ...unless `startFrom` (ISO date, Auth0's create-only field) asks for events dated from then on. */
  startFrom?: string;
};
