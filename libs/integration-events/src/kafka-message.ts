/**
 * Integration events on Kafka: CloudEvents 1.0, Kafka protocol binding, binary content mode (schemas/README.md).
 *
 * - topic `roster.integration-events.v1` (configurable); a breaking change gets a `.v2` type on a `.v2` topic;
 * - key: `<tenant>/<subject>`, e.g. `acme/applications/<client_id>`; all events of a tenant share a partition, so a
 *   subscriber sees them in the order they were recorded;
 * - value: the event's data as JSON (UTF-8), described by `schemas/<ce_type>.schema.json`;
 * - headers (UTF-8): `ce_specversion` (1.0), `ce_id`, `ce_type`, `ce_source`, `ce_subject`, `ce_time`,
 *   `content-type` (application/json), and the relay's `position` (the global position, increasing within a partition)
 *   and `batch_start` (for its own restarts).
 */
import { RosterError } from '@roster/errors';
import { INTEGRATION_EVENT_TYPES, type IntegrationEvent, type IntegrationEventType } from './integration-event';

export const INTEGRATION_EVENTS_TOPIC = 'roster.integration-events.v1';
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const INTEGRATION_EVENT_CONTENT_TYPE = 'application/json';

export const CLOUDEVENT_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  subject: 'ce_subject',
  time: 'ce_time',
  contentType: 'content-type',
} as const;

/** A message as written: what kafkajs `producer.send({messages})` takes. */
export interface IntegrationEventMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A message as read (the fields of a kafkajs `KafkaMessage` that the contract uses). */
export interface ReceivedIntegrationEventMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

/** The message key: the tenant and the resource, so compaction or a keyed store keeps one entry per resource. */
export const integrationEventKey = (event: Pick<IntegrationEvent, 'tenant' | 'subject'>): string =>
  `${event.tenant}/${event.subject}`;

export const encodeIntegrationEventMessage = (event: IntegrationEvent): IntegrationEventMessage => ({
  key: integrationEventKey(event),
  value: JSON.stringify(event.data),
  headers: {
    [CLOUDEVENT_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CLOUDEVENT_HEADERS.id]: event.id,
    [CLOUDEVENT_HEADERS.type]: event.type,
    [CLOUDEVENT_HEADERS.source]: event.source,
    [CLOUDEVENT_HEADERS.subject]: event.subject,
    [CLOUDEVENT_HEADERS.time]: event.time,
    [CLOUDEVENT_HEADERS.contentType]: INTEGRATION_EVENT_CONTENT_TYPE,
  },
});

const text = (value: HeaderValue | Buffer | string | null): string | undefined => {
  if (value === null || value === undefined) return undefined;
  // A repeated header: the last value wins, as Kafka's own `lastHeader`.
  const one = Array.isArray(value) ? value[value.length - 1] : value;
  return one === undefined ? undefined : typeof one === 'string' ? one : one.toString('utf8');
};

const invalid = (message: string): RosterError =>
  new RosterError('validation', 'invalid_integration_event_message', message, { retriable: false });

const KNOWN_TYPES = new Set<string>(Object.values(INTEGRATION_EVENT_TYPES));
const SOURCE = /^\/tenants\/([^/]+)$/;

/**
 * The integration event a message carries. Throws RosterError `invalid_integration_event_message` when it is not one
 * of this contract's: another spec version or type, a missing attribute, a key unlike source and subject, a value
 * that is not a JSON object.
 */
export const decodeIntegrationEventMessage = (message: ReceivedIntegrationEventMessage): IntegrationEvent => {
  const header = (name: string): string => {
    const value = text(message.headers?.[name]);
    if (!value) throw invalid(`the ${name} header is missing`);
    return value;
  };
  const specversion = header(CLOUDEVENT_HEADERS.specversion);
  if (specversion !== CLOUDEVENTS_SPEC_VERSION) throw invalid(`ce_specversion is ${specversion}, expected 1.0`);
  const type = header(CLOUDEVENT_HEADERS.type);
  if (!KNOWN_TYPES.has(type)) throw invalid(`ce_type ${type.slice(0, 80)} is not a type of this contract`);
  const source = header(CLOUDEVENT_HEADERS.source);
  const tenant = SOURCE.exec(source)?.[1];
  if (!tenant) throw invalid(`ce_source ${source.slice(0, 80)} is not /tenants/<tenant>`);
  const event = {
    id: header(CLOUDEVENT_HEADERS.id),
    type: type as IntegrationEventType,
    source,
    subject: header(CLOUDEVENT_HEADERS.subject),
    time: header(CLOUDEVENT_HEADERS.time),
    tenant,
  };
  if (text(message.key ?? null) !== integrationEventKey(event)) throw invalid('the key is not <tenant>/<subject>');
  let data: unknown;
  try {
    data = JSON.parse(text(message.value) ?? '');
  } catch {
    throw invalid('the value is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('the value is not an object');
  return { ...event, data: data as Record<string, unknown> };
};
