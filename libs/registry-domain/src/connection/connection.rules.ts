import { checkFields, type FieldTable } from '../shared/field-rules';
import { mergeByTable } from '../shared/merge';
import { isPlainObject } from '../shared/values';
import { payloadViolation, type Violation } from '../shared/violations';
import type { JsonObject, JsonValue } from '../shared/json';
import { CONNECTION_STRATEGIES, type ConnectionCreated } from './connection.events';

/** Auth0 connection names: 1..128 of [a-zA-Z0-9-], no dash at either end. */
const CONNECTION_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

export const CONNECTION_FIELD_RULES: FieldTable = {
  name: {
    requiredOnCreate: true,
    access: 'create-only',
    rule: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      pattern: { regex: CONNECTION_NAME, text: CONNECTION_NAME.source },
    },
  },
  strategy: { requiredOnCreate: true, access: 'create-only', rule: { type: 'enum', values: CONNECTION_STRATEGIES } },
  display_name: { rule: { type: 'string', minLength: 1, maxLength: 128 } },
  // Options are replaced whole on update (as Auth0 warns); PEM certificates need line breaks, hence multiline.
  options: { rule: { type: 'json-object', maxDepth: 6, maxNodes: 1000, maxStringLength: 16384 } },
  metadata: {
    rule: {
      type: 'string-map',
      maxProperties: 10,
      key: { type: 'string', minLength: 1, maxLength: 255 },
      value: { type: 'string', maxLength: 255 },
    },
  },
  realms: {
    rule: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 255 }, maxItems: 10, uniqueItems: true },
  },
  is_domain_connection: { rule: { type: 'boolean' } },
  id: { access: 'read-only' },
  // Which applications use a connection lives on the application (ConnectionsChanged); use
  // PATCH /connections/{id}/clients instead of this legacy field.
  enabled_clients: { access: 'read-only' },
};

/** Option keys that hold credentials (compared case-insensitively at any depth); they never enter an event. */
export const SECRET_OPTION_KEYS = [
  'client_secret',
  'secret',
  'password',
  'private_key',
  'signing_key',
  'api_key',
  'app_secret',
  'consumer_secret',
  'twilio_token',
  'bind_password',
] as const;

const isSecretKey = (key: string): boolean => (SECRET_OPTION_KEYS as readonly string[]).includes(key.toLowerCase());

/**
 * Splits strategy options into what may be stored in events and the secrets (top-level keys only, where Auth0's
 * strategies put them) that the handler must seal and keep elsewhere.
 */
export const splitConnectionSecrets = (options: JsonObject): { options: JsonObject; secrets: JsonObject } => {
  const entries = Object.entries(options);
  return {
    options: Object.fromEntries(entries.filter(([key]) => !isSecretKey(key))),
    secrets: Object.fromEntries(entries.filter(([key]) => isSecretKey(key))),
  };
};

const secretPaths = (value: JsonValue, path: string): string[] => {
  if (Array.isArray(value)) return value.flatMap((item, i) => secretPaths(item, `${path}[${i}]`));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    isSecretKey(key) ? [`${path}.${key}`] : secretPaths(child as JsonValue, `${path}.${key}`),
  );
};

export type ConnectionSnapshot = Omit<ConnectionCreated['data'], 'tenant' | 'connection_id' | 'at'>;

export type ConnectionEvaluation =
  | { readonly ok: true; readonly connection: ConnectionSnapshot }
  | { readonly ok: false; readonly violations: Violation[] };

/** Shape pass, defaults (create) or merge (update), then: no secret may remain in the options. */
export const evaluateConnection = (input: unknown, current?: ConnectionSnapshot): ConnectionEvaluation => {
  const shape = checkFields(input, CONNECTION_FIELD_RULES, { mode: current ? 'update' : 'create', current });
  if (shape.length > 0) return { ok: false, violations: shape };
  const body = input as Partial<ConnectionSnapshot>;
  const base: ConnectionSnapshot = current ?? {
    name: body.name!,
    strategy: body.strategy!,
    options: {},
    realms: [body.name!],
    is_domain_connection: false,
  };
  const connection = mergeByTable(base, body, CONNECTION_FIELD_RULES);
  const violations = secretPaths(connection.options, 'options').map((path) =>
    payloadViolation(path, 'Secrets are not stored in connection options'),
  );
  return violations.length > 0 ? { ok: false, violations } : { ok: true, connection };
};
