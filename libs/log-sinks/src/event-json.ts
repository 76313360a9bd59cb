import type { LogEvent } from '@roster/logs';

/**
 * The JSON text a log event was decoded from, kept by its source (the Kafka topic's message value) so that the
 * connectors, which write each event as JSON again, reuse it instead of serialising the parsed copy: a log stream
 * otherwise spends as much time in JSON.stringify as in decoding. Events are not changed once decoded, so the text and
 * the object say the same. Text with a line break (another producer's pretty-printed JSON) is not kept: it would break
 * the newline-delimited formats.
 */
const DECODED_FROM = Symbol('roster.decodedFrom');

type Decoded = LogEvent & { [DECODED_FROM]?: string };

/** Records that `event` is `JSON.parse(json)`. */
export const rememberEventJson = (event: LogEvent, json: string): void => {
  // indexOf, not a regex: it runs for every event a stream reads, and is ten times faster here.
  // A hidden property, not a WeakMap entry: a stream remembers thousands of texts a second, and the WeakMap's
  // insertions cost three times as much. Not enumerable: the event looks, compares and serialises the same.
  if (!json.includes('\n') && !json.includes('\r')) Object.defineProperty(event, DECODED_FROM, { value: json });
};

/** The event as JSON: the text it was decoded from, when known. */
export const eventJson = (event: LogEvent): string => (event as Decoded)[DECODED_FROM] ?? JSON.stringify(event);

/** Auth0's stream element `{"log_id": ..., "data": <event>}` (webhooks; Splunk's `event`). */
export const logElementJson = (event: LogEvent): string =>
  `{"log_id":${JSON.stringify(event.log_id)},"data":${eventJson(event)}}`;
