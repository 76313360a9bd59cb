import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import Ajv2020, { type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ALL_FIXTURES, FIXTURES, recorded } from './integration-events.fixtures';
import {
  INTEGRATION_EVENT_TYPES,
  integrationEventOf,
  PUBLISHED_FIELDS,
  type IntegrationEvent,
} from './integration-event';

const SCHEMAS = join(__dirname, '..', 'schemas');
const COMMON_FILE = 'common.v1.schema.json';

type Schema = AnySchemaObject & {
  title?: string;
  properties?: Record<string, Schema>;
  $defs?: Record<string, Schema>;
  additionalProperties?: unknown;
};

const load = (file: string): Schema => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Schema;
const schemaFiles = readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'));
const common = load(COMMON_FILE);
const ceTypes = Object.values(INTEGRATION_EVENT_TYPES);

/**
 * The schemas as published leave objects open (consumers must ignore fields they do not know, so adding one is not
 * breaking). Here every object that lists its properties is closed: a field the mapper emits but the schema does not
 * describe fails the test.
 */
const closed = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== 'object' || node === null) return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)])) as Schema;
  if (copy.properties && copy.additionalProperties === true) copy.additionalProperties = false;
  return copy;
};

const validators = (transform: (schema: Schema) => unknown) => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema(transform(common) as AnySchemaObject);
  return new Map<string, ValidateFunction>(
    ceTypes.map((type) => [type, ajv.compile(transform(load(`${type}.schema.json`)) as AnySchemaObject)]),
  );
};

const published = ALL_FIXTURES.map((e) => integrationEventOf(recorded(e))).filter(
  (e): e is IntegrationEvent => e !== null,
);

describe('the JSON schemas of the integration events', () => {
  it('has one schema per ce_type, titled and identified by it, and the shared definitions', () => {
    expect(schemaFiles.sort()).toEqual([COMMON_FILE, ...ceTypes.map((t) => `${t}.schema.json`)].sort());
    for (const type of ceTypes) {
      const schema = load(`${type}.schema.json`);
      expect([schema.title, schema.$id, schema.$schema]).toEqual([
        type,
        `urn:roster:integration-events:${type}`,
        'https://json-schema.org/draft/2020-12/schema',
      ]);
      expect(schema.additionalProperties).toBe(true);
    }
  });

  it('documents exactly the fields the mapper publishes', () => {
    const documented = (name: string) => Object.keys(common.$defs![name].properties!).sort();
    expect(documented('clientSettings')).toEqual([...PUBLISHED_FIELDS.clientSettings].sort());
    expect(documented('clientSettingsChanges')).toEqual([...PUBLISHED_FIELDS.clientSettings].sort());
    expect(Object.keys(common.$defs!.registration.properties!.metadata.properties!).sort()).toEqual(
      [...PUBLISHED_FIELDS.registration].sort(),
    );
    expect(documented('connectionSettings')).toEqual([...PUBLISHED_FIELDS.connectionSettings].sort());
    expect(documented('logStreamSettings')).toEqual([...PUBLISHED_FIELDS.logStreamSettings].sort());
  });

  it('describes every event the mapper produces, every field included', () => {
    const strict = validators(closed);
    expect(published.map((e) => e.type).sort()).toEqual([...ceTypes].sort());
    for (const event of published) {
      const validate = strict.get(event.type)!;
      expect([event.type, validate(event.data) ? [] : validate.errors]).toEqual([event.type, []]);
    }
  });

  it('refuses data that breaks the contract', () => {
    const open = validators((s) => s);
    const registered = integrationEventOf(recorded(FIXTURES.ApplicationRegistered))!.data;
    const check = (type: string, data: unknown) => {
      const validate = open.get(type)!;
      return validate(data) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
    };
    const { client_id: _c, ...noClientId } = registered;
    expect(check('com.roster.application.registered.v1', noClientId)).toEqual([
      " must have required property 'client_id'",
    ]);
    expect(check('com.roster.application.registered.v1', { ...registered, at: 'yesterday' })).toEqual([
      '/at must match format "date-time"',
    ]);
    expect(
      check('com.roster.application.settings_changed.v1', {
        ...registered,
        changes: { name: null, logo_uri: null, sso: 'yes' },
      }),
    ).toEqual(expect.arrayContaining(['/changes/sso must be boolean', '/changes/name must be string']));
    // Open for additions: a field a later version adds does not break a v1 consumer's validation.
    expect(check('com.roster.application.removed.v1', { ...registered, added_later: 1 })).toEqual([]);
  });

  it('is indexed in the README', () => {
    const readme = readFileSync(join(SCHEMAS, 'README.md'), 'utf8');
    for (const type of ceTypes) expect([type, readme.includes(`(${type}.schema.json)`)]).toEqual([type, true]);
  });
});
