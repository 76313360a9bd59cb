import type { ConnectorOptions, SinkConnector } from './connector';
import { HttpSinkConnector, type SinkProtocol } from './http-sink-connector';
import { SINK_DEFAULTS, type LogglySink } from './sink-config';
import { eventJson } from './event-json';

/**
 * Loggly bulk endpoint (reference/siem-sinks.md §3): `POST <endpoint>/bulk/<token>/tag/<tags>/`, one JSON log per
 * line, at most 5 MB per request and 1 MB per event (a larger event is rejected before sending: it can never be
 * delivered). Not compressed: Loggly documents no Content-Encoding.
 */

const MAX_BODY_BYTES = 5_000_000;
const MAX_EVENT_BYTES = 1_000_000;
const MAX_BATCH_EVENTS = 1000;

/** `<endpoint>/bulk/<token>/` plus `tag/<t1,t2>/` when there are tags; a path prefix of the endpoint is kept. */
export const logglyBulkUrl = (sink: LogglySink): URL => {
  const base = (sink.logglyEndpoint ?? SINK_DEFAULTS.logglyEndpoint).replace(/\/+$/, '');
  const tags = sink.logglyTags ?? [];
  const tagPart = tags.length > 0 ? `tag/${tags.map(encodeURIComponent).join(',')}/` : '';
  return new URL(`${base}/bulk/${encodeURIComponent(sink.logglyToken)}/${tagPart}`);
};

export const createLogglyConnector = (sink: LogglySink, options: ConnectorOptions = {}): SinkConnector => {
  const protocol: SinkProtocol = {
    type: 'loggly',
    service: 'Loggly',
    url: logglyBulkUrl(sink),
    framing: { open: '', separator: '\n', close: '' },
    gzip: false,
    maxBatchEvents: MAX_BATCH_EVENTS,
    maxBodyBytes: MAX_BODY_BYTES,
    maxEventBytes: MAX_EVENT_BYTES,
    secrets: [sink.logglyToken],
    encode: eventJson,
    headers: () => ({ 'content-type': 'text/plain; charset=utf-8' }),
  };
  return new HttpSinkConnector(protocol, options);
};
