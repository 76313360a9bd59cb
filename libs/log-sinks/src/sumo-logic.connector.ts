import type { LogEvent } from '@roster/logs';
import type { ConnectorOptions, SinkConnector } from './connector';
import { HttpSinkConnector, safeHeaderValue, type SinkProtocol } from './http-sink-connector';
import type { SumoSink } from './sink-config';
import { eventJson } from './event-json';

/**
 * Sumo Logic HTTP Logs Source (reference/siem-sinks.md §2): POST to the source address (its last path segment is the
 * secret), one JSON log per line, gzip, `X-Sumo-Category` / `X-Sumo-Name` / `X-Sumo-Host` metadata. Sumo asks for at
 * most 1 MB uncompressed per request and sends no Retry-After on 429 (backoff applies). A 200 can still mean "dropped
 * by an ingest budget": nothing a sender can observe.
 */

/** "up to but not exceeding 1MB of uncompressed data", with a margin. */
const MAX_BODY_BYTES = 990_000;
/** A line alone over 1 MB can never fit a request. */
const MAX_EVENT_BYTES = 1_000_000;
const MAX_BATCH_EVENTS = 1000;

/** The headers of one request; a stream serves one tenant, so the first event names it. */
export const sumoHeaders = (events: readonly LogEvent[]): Record<string, string> => {
  const first = events[0];
  return {
    'content-type': 'text/plain; charset=utf-8',
    'x-sumo-category': safeHeaderValue(`roster/${first.tenant_name}`),
    'x-sumo-name': 'roster',
    'x-sumo-host': safeHeaderValue(first.hostname ?? first.tenant_name),
  };
};

export const createSumoLogicConnector = (sink: SumoSink, options: ConnectorOptions = {}): SinkConnector => {
  const url = new URL(sink.sumoSourceAddress);
  const protocol: SinkProtocol = {
    type: 'sumo',
    service: 'Sumo Logic',
    url,
    framing: { open: '', separator: '\n', close: '' },
    gzip: true,
    maxBatchEvents: MAX_BATCH_EVENTS,
    maxBodyBytes: MAX_BODY_BYTES,
    maxEventBytes: MAX_EVENT_BYTES,
    secrets: [sink.sumoSourceAddress, url.pathname, url.pathname.split('/').pop()],
    encode: eventJson,
    headers: sumoHeaders,
  };
  return new HttpSinkConnector(protocol, options);
};
