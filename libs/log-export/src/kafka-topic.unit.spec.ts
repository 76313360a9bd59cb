import { readFileSync } from 'fs';
import { join } from 'path';
import { isRosterError } from '@roster/errors';
import { logIdOf, type LogEvent } from '@roster/logs';
import { logEvent } from '../../log-sinks/src/log-sinks.fixtures';
import {
  decodeLogEventMessage,
  encodeLogEventMessage,
  isMessageOfTenant,
  LOG_EVENTS_TOPIC,
  tenantOfMessage,
  type ReceivedLogEventMessage,
} from './kafka-topic';

/** Every field of LogEvent: adding one to the type fails to compile here until the schema test below sees it. */
const everyField: Required<LogEvent> = {
  log_id: logIdOf(42n),
  date: '2025-03-01T10:20:30.456Z',
  type: 'seccft',
  description: 'Client Credentials for Access Token',
  client_id: 'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345',
  client_name: 'Billing Worker',
  ip: '198.51.100.4',
  hostname: 'acme.roster.test',
  user_agent: 'node-fetch/1.0',
  user_id: 'auth0|42',
  user_name: 'ops@acme.test',
  connection: 'Username-Password-Authentication',
  connection_id: 'con_abc',
  strategy: 'auth0',
  strategy_type: 'database',
  audience: 'https://api.acme.test/',
  scope: ['read:invoices', 'write:invoices'],
  organization_id: 'org_1',
  organization_name: 'Acme',
  isMobile: false,
  details: { grant_type: 'client_credentials' },
  tenant_name: 'acme',
};

/** A message as kafkajs hands it over: key, value and header values as Buffers. */
const asReceived = (message: { key: string; value: string; headers: Record<string, string> }) => ({
  key: Buffer.from(message.key),
  value: Buffer.from(message.value),
  headers: Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, Buffer.from(v)])),
});

const decodeError = (message: ReceivedLogEventMessage): string => {
  try {
    decodeLogEventMessage(message);
  } catch (error) {
    if (isRosterError(error) && error.code === 'invalid_log_event_message') return error.message;
    throw error;
  }
  throw new Error('decoded');
};

describe('the log events topic contract', () => {
  it('is roster.log-events.v1', () => {
    expect(LOG_EVENTS_TOPIC).toBe('roster.log-events.v1');
  });

  it('keys by tenant, carries the log event as JSON and describes it in headers', () => {
    const event = logEvent(7, { type: 'f' });
    const message = encodeLogEventMessage('acme', 7n, event);
    expect(message.key).toBe('acme');
    expect(JSON.parse(message.value)).toEqual(event);
    expect(message.headers).toEqual({
      log_id: logIdOf(7n),
      tenant: 'acme',
      type: 'f',
      category: 'auth.login.fail',
      position: '7',
      'content-type': 'application/json',
      schema: 'roster.log-event/1',
    });
  });

  it('files unknown type codes under the category other', () => {
    expect(encodeLogEventMessage('acme', 3n, logEvent(3, { type: 'not_a_code' })).headers.category).toBe('other');
  });

  it('decodes what it encodes, from Buffers as from strings', () => {
    const position = 2n ** 63n - 1n;
    const event = { ...everyField, log_id: logIdOf(position) };
    const message = encodeLogEventMessage('acme', position, event);
    expect(decodeLogEventMessage(asReceived(message))).toEqual({ tenant: 'acme', position, event });
    expect(decodeLogEventMessage(message)).toEqual({ tenant: 'acme', position, event });
  });

  it('reads the tenant from the key alone', () => {
    expect(tenantOfMessage(asReceived(encodeLogEventMessage('globex', 1n, logEvent(1))))).toBe('globex');
    expect(tenantOfMessage({ key: null })).toBeUndefined();
  });

  it('compares a key or header as bytes, to the last byte, in any alphabet', () => {
    const received = (tenant: string, headers: Record<string, string> = {}) => {
      const message = encodeLogEventMessage(tenant, 7n, logEvent(7, { tenant_name: tenant }));
      return asReceived({ ...message, headers: { ...message.headers, ...headers } });
    };
    expect(isMessageOfTenant(received('acme'), 'acme')).toBe(true);
    expect(isMessageOfTenant(received('acme'), 'acm')).toBe(false);
    expect(isMessageOfTenant(received('acm'), 'acme')).toBe(false);
    expect(isMessageOfTenant(received('çafé'), 'çafé')).toBe(true);
    expect(isMessageOfTenant(received('çafé'), 'çafe')).toBe(false);
    expect(isMessageOfTenant({ key: null }, 'acme')).toBe(false);
    expect(decodeLogEventMessage(received('çafé')).tenant).toBe('çafé');
    expect(decodeError(received('acme', { tenant: 'acmee' }))).toMatch(/tenant/);
    expect(decodeError(received('acme', { type: 'sap' }))).toMatch(/header/);
    expect(decodeError(received('acme', { log_id: `${logIdOf(7n)}0` }))).toMatch(/header/);
    expect(decodeError(received('acme', { schema: 'roster.log-event/1 ' }))).toMatch(/schema is roster.log-event\/1 ,/);
  });

  it.each<[string, (m: ReturnType<typeof encodeLogEventMessage>) => ReceivedLogEventMessage, RegExp]>([
    ['another schema', (m) => ({ ...m, headers: { ...m.headers, schema: 'roster.log-event/2' } }), /schema/],
    ['no schema header', (m) => ({ ...m, headers: { ...m.headers, schema: '' } }), /schema/],
    ['no key', (m) => ({ ...m, key: null }), /key/],
    ['a tenant header unlike the key', (m) => ({ ...m, headers: { ...m.headers, tenant: 'globex' } }), /tenant/],
    ['a position that is not one', (m) => ({ ...m, headers: { ...m.headers, position: '-1' } }), /position/],
    ['a position past 2^63-1', (m) => ({ ...m, headers: { ...m.headers, position: '9'.repeat(20) } }), /position/],
    ['a value that is not JSON', (m) => ({ ...m, value: '{"log_id":' }), /not JSON/],
    ['a null value (tombstone)', (m) => ({ ...m, value: null }), /not JSON/],
    ['a value that is an array', (m) => ({ ...m, value: '[]' }), /object/],
    ['a log_id of another position', (m) => ({ ...m, headers: { ...m.headers, position: '8' } }), /log_id/],
    ['a value without a type', (m) => ({ ...m, value: JSON.stringify({ ...JSON.parse(m.value), type: 1 }) }), /type/],
    ['a type header unlike the value', (m) => ({ ...m, headers: { ...m.headers, type: 's' } }), /header/],
  ])('refuses a message with %s', (_, spoil, reason) => {
    const message = encodeLogEventMessage('acme', 7n, logEvent(7));
    expect(decodeError(spoil(message))).toMatch(reason);
  });

  it('reads the last value of a repeated header', () => {
    const message = encodeLogEventMessage('acme', 7n, logEvent(7));
    const repeated = {
      ...message,
      headers: { ...message.headers, schema: ['roster.log-event/0', 'roster.log-event/1'] },
    };
    expect(decodeLogEventMessage(repeated).position).toBe(7n);
  });
});

describe('the JSON schema of the value', () => {
  const schema = JSON.parse(
    readFileSync(join(__dirname, '..', 'schemas', 'log-event.v1.schema.json'), 'utf8'),
  ) as SchemaNode & { title: string; properties: Record<string, SchemaNode> };

  it('names the schema header value and describes every LogEvent field', () => {
    expect(schema.title).toBe('roster.log-event/1');
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(everyField).sort());
  });

  it('accepts the values the encoder writes', () => {
    for (const event of [everyField, logEvent(1), { ...logEvent(2), scope: 'read:clients' }]) {
      expect(violations(schema, JSON.parse(encodeLogEventMessage('acme', 1n, event).value))).toEqual([]);
    }
  });

  it('refuses values that are not log events', () => {
    const { type: _type, ...untyped } = logEvent(1);
    expect(violations(schema, untyped)).toEqual(['$: type is required']);
    expect(violations(schema, { ...logEvent(1), log_id: '1' })).toEqual(['$.log_id: does not match ^[0-9]{20}$']);
    expect(violations(schema, { ...logEvent(1), isMobile: 'yes', scope: [1] })).toEqual([
      '$.scope[0]: not a string',
      '$.isMobile: not a boolean',
    ]);
  });
});

/** The subset of JSON Schema draft-07 the schema file uses. */
interface SchemaNode {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  pattern?: string;
  minLength?: number;
}

const typeOf = (value: unknown): string =>
  Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'number' ? 'number' : typeof value;

const violations = (node: SchemaNode, value: unknown, path = '$'): string[] => {
  const types = node.type === undefined ? undefined : [node.type].flat();
  if (types && !types.includes(typeOf(value))) return [`${path}: not a ${types.join(' or ')}`];
  const found: string[] = [];
  if (typeof value === 'string') {
    if (node.pattern && !new RegExp(node.pattern).test(value)) found.push(`${path}: does not match ${node.pattern}`);
    if (node.minLength !== undefined && value.length < node.minLength) found.push(`${path}: too short`);
  }
  if (Array.isArray(value) && node.items) {
    value.forEach((item, i) => found.push(...violations(node.items!, item, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of node.required ?? []) if (!(name in object)) found.push(`${path}: ${name} is required`);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (name in object) found.push(...violations(child, object[name], `${path}.${name}`));
    }
  }
  return found;
};
