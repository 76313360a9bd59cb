import type { LogEvent } from '@roster/logs';
import type { ConnectorOptions, SinkConnector } from './connector';
import { logElementJson } from './event-json';
import { HttpSinkConnector, type Framing, type SinkProtocol } from './http-sink-connector';
import { SINK_DEFAULTS, type HttpContentFormat, type HttpSink } from './sink-config';

/**
 * Auth0's custom webhook log stream (reference/auth0-domain.md §8.1): POST to `httpEndpoint`, each element
 * `{"log_id": ..., "data": <log>}`, framed per content format. Not compressed (Auth0 does not compress). Auth0
 * documents no batch size: 100 logs or 1 MB per request, whichever comes first.
 */

const MAX_BODY_BYTES = 1_000_000;
const MAX_BATCH_EVENTS = 100;

export const WEBHOOK_FRAMING: Readonly<Record<HttpContentFormat, Framing>> = {
  JSONARRAY: { open: '[', separator: ',', close: ']' },
  JSONLINES: { open: '', separator: '\n', close: '' },
  JSONOBJECT: { open: '{"logs":[', separator: ',', close: ']}' },
};

export const webhookElement = (event: LogEvent): string => logElementJson(event);

export const createHttpWebhookConnector = (sink: HttpSink, options: ConnectorOptions = {}): SinkConnector => {
  const url = new URL(sink.httpEndpoint);
  const headers: Record<string, string> = { 'content-type': sink.httpContentType ?? SINK_DEFAULTS.httpContentType };
  if (sink.httpAuthorization !== undefined) headers.authorization = sink.httpAuthorization;
  for (const { header, value } of sink.httpCustomHeaders ?? []) headers[header.toLowerCase()] = value;
  const pathAndQuery = `${url.pathname}${url.search}`;
  const protocol: SinkProtocol = {
    type: 'http',
    service: 'Webhook',
    url,
    framing: WEBHOOK_FRAMING[sink.httpContentFormat],
    gzip: false,
    maxBatchEvents: MAX_BATCH_EVENTS,
    maxBodyBytes: MAX_BODY_BYTES,
    // The endpoint's path and query may carry a secret too (e.g. a signed hook URL): never echo them.
    secrets: [
      sink.httpAuthorization,
      ...(sink.httpCustomHeaders ?? []).map((h) => h.value),
      pathAndQuery === '/' ? undefined : pathAndQuery,
    ],
    encode: webhookElement,
    headers: () => headers,
  };
  return new HttpSinkConnector(protocol, options);
};
