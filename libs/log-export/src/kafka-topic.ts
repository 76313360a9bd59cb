import { RosterError } from '@roster/errors';
import { rememberEventJson } from '@roster/log-sinks';
import { categoryOf, logIdOf, positionOfLogId, type LogEvent } from '@roster/logs';

/**
 * The Kafka contract of the log: every tenant's log events, in global order per tenant, on one topic.
 *
 * - topic `roster.log-events.v1` (configurable): a new, incompatible value shape gets a new topic, never a new meaning
 *   for this one;
 * - key: the tenant, so all of a tenant's events share a partition and keep their order (the default partitioner,
 *   Java-compatible since kafkajs 2);
 * - value: the `LogEvent` as JSON (UTF-8), described by `libs/log-export/schemas/log-event.v1.schema.json`;
 * - headers (UTF-8 strings): `log_id`, `tenant`, `type`, `category` (the log stream filter category of `type`),
 *   `position` (the global position, decimal, no padding), `content-type: application/json` and
 *   `schema: roster.log-event/1`. Headers let a consumer route or skip an event without parsing its value.
 *
 * Consumers must ignore value fields and headers they do not know: adding one is not a breaking change.
 */

export const LOG_EVENTS_TOPIC = 'roster.log-events.v1';
export const LOG_EVENT_SCHEMA = 'roster.log-event/1';
export const LOG_EVENT_CONTENT_TYPE = 'application/json';

export const LOG_EVENT_HEADERS = {
  logId: 'log_id',
  tenant: 'tenant',
  type: 'type',
  category: 'category',
  position: 'position',
  contentType: 'content-type',
  schema: 'schema',
} as const;

/** A message as written: what kafkajs `producer.send({messages})` takes. */
export interface LogEventMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A message as read (the fields of a kafkajs `KafkaMessage` that the contract uses). */
export interface ReceivedLogEventMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

export interface DecodedLogEvent {
  tenant: string;
  position: bigint;
  event: LogEvent;
}

/** The message that carries `event`, the tenant's log event recorded at global `position`. */
export const encodeLogEventMessage = (tenant: string, position: bigint, event: LogEvent): LogEventMessage => ({
  key: tenant,
  value: JSON.stringify(event),
  headers: {
    [LOG_EVENT_HEADERS.logId]: event.log_id,
    [LOG_EVENT_HEADERS.tenant]: tenant,
    [LOG_EVENT_HEADERS.type]: event.type,
    [LOG_EVENT_HEADERS.category]: categoryOf(event.type),
    [LOG_EVENT_HEADERS.position]: position.toString(),
    [LOG_EVENT_HEADERS.contentType]: LOG_EVENT_CONTENT_TYPE,
    [LOG_EVENT_HEADERS.schema]: LOG_EVENT_SCHEMA,
  },
});

/** A header repeated: the last value wins, as in Kafka's own record headers lookup (`lastHeader`). */
const lastValue = (value: HeaderValue | Buffer | string | null): Buffer | string | undefined =>
  Array.isArray(value) ? value[value.length - 1] : (value ?? undefined);

const text = (value: HeaderValue | Buffer | string | null): string | undefined => {
  const one = lastValue(value);
  return one === undefined ? undefined : typeof one === 'string' ? one : one.toString('utf8');
};

/**
 * Whether a key or header says `expected`, without making a string of it: this runs several times for every message of
 * the topic. Byte by byte while `expected` is ASCII (its UTF-8 bytes are its char codes), by decoding otherwise.
 */
const says = (value: HeaderValue | Buffer | string | null, expected: string): boolean => {
  const one = lastValue(value);
  if (one === undefined) return false;
  if (typeof one === 'string') return one === expected;
  for (let i = 0; i < expected.length; i++) {
    const code = expected.charCodeAt(i);
    if (code > 0x7f) return one.toString('utf8') === expected;
    if (one[i] !== code) return false;
  }
  return one.length === expected.length;
};

/** The tenant a message belongs to (its key), read without decoding the value: consumers skip others' events cheaply. */
export const tenantOfMessage = (message: Pick<ReceivedLogEventMessage, 'key'>): string | undefined =>
  text(message.key ?? null);

/** Whether a message is one of `tenant`'s, its key compared without making a string of it. */
export const isMessageOfTenant = (message: Pick<ReceivedLogEventMessage, 'key'>, tenant: string): boolean =>
  says(message.key ?? null, tenant);

const invalid = (message: string): RosterError =>
  new RosterError('validation', 'invalid_log_event_message', message, { retriable: false });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The log event a message carries. Throws RosterError `invalid_log_event_message` when it does not follow this
 * contract: another schema, a missing or inconsistent header, a value that is not a log event of that position.
 */
export const decodeLogEventMessage = (message: ReceivedLogEventMessage): DecodedLogEvent => {
  const header = (name: string): string | undefined => text(message.headers?.[name]);
  const headerSays = (name: string, expected: string): boolean => says(message.headers?.[name], expected);
  if (!headerSays(LOG_EVENT_HEADERS.schema, LOG_EVENT_SCHEMA)) {
    throw invalid(`schema is ${header(LOG_EVENT_HEADERS.schema) ?? 'missing'}, expected ${LOG_EVENT_SCHEMA}`);
  }
  const tenant = tenantOfMessage(message);
  if (!tenant) throw invalid('the key (tenant) is missing');
  if (!headerSays(LOG_EVENT_HEADERS.tenant, tenant)) throw invalid('the tenant header differs from the key');
  const positionText = header(LOG_EVENT_HEADERS.position) ?? '';
  const position = positionOfLogId(positionText);
  if (position === undefined) throw invalid(`position "${positionText.slice(0, 40)}" is not a position`);

  const json = text(message.value) ?? '';
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    throw invalid('the value is not JSON');
  }
  if (!isObject(event)) throw invalid('the value is not a JSON object');
  if (event.log_id !== logIdOf(position)) throw invalid('log_id does not match the position');
  if (typeof event.type !== 'string' || typeof event.date !== 'string' || typeof event.tenant_name !== 'string') {
    throw invalid('the value lacks type, date or tenant_name');
  }
  if (!headerSays(LOG_EVENT_HEADERS.logId, event.log_id) || !headerSays(LOG_EVENT_HEADERS.type, event.type)) {
    throw invalid('the log_id or type header differs from the value');
  }
  // The connectors write this very text again instead of serialising the parsed copy.
  rememberEventJson(event as unknown as LogEvent, json);
  return { tenant, position, event: event as unknown as LogEvent };
};
