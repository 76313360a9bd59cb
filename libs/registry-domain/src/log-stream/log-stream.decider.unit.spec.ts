import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { LogStreamCommand } from './log-stream.commands';
import { logStreamDecider } from './log-stream.decider';
import type { LogStreamCreated, LogStreamEvent } from './log-stream.events';
import { sinkSecretsAfter } from './log-stream.rules';

const spec = DeciderSpecification.for(logStreamDecider);
const ID = 'lst_0123456789abcdef';
const ids = { tenant: 'acme', id: ID };
/** Stands for what the handler sealed; the decider only carries it. */
const SEALED = 'v1.sealed.secrets.1';
const RESEALED = 'v1.sealed.secrets.2';
const TOKEN = 'splunk-token-0123456789';
const SPLUNK_SINK = { splunkDomain: 'splunk.acme.test', splunkToken: TOKEN, splunkSecure: true };

const create = (log_stream: unknown): LogStreamCommand => ({
  type: 'CreateLogStream',
  data: { ...ids, at: AT, log_stream, sealed_secrets: SEALED },
});
const update = (
  changes: unknown,
  current_secrets: Record<string, unknown> = { splunkToken: TOKEN },
  suspended_revision?: number,
): LogStreamCommand => ({
  type: 'UpdateLogStream',
  data: {
    ...ids,
    at: LATER,
    changes,
    current_secrets,
    sealed_secrets: RESEALED,
    ...(suspended_revision === undefined ? {} : { suspended_revision }),
  },
});
const remove: LogStreamCommand = { type: 'DeleteLogStream', data: { ...ids, at: LATER } };

const splunkBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'SIEM',
  type: 'splunk',
  sink: SPLUNK_SINK,
  ...overrides,
});
const created = (overrides: Partial<LogStreamCreated['data']> = {}): LogStreamEvent => ({
  type: 'LogStreamCreated',
  data: {
    ...ids,
    at: AT,
    name: 'SIEM',
    type: 'splunk',
    status: 'active',
    filters: [],
    sink: { splunkDomain: 'splunk.acme.test', splunkSecure: true },
    sealed_secrets: SEALED,
    ...overrides,
  },
});
const changed = (changes: Record<string, unknown>, sealed_secrets?: string): LogStreamEvent => ({
  type: 'LogStreamChanged',
  data: { ...ids, at: LATER, changes, ...(sealed_secrets ? { sealed_secrets } : {}) },
});
const resumed: LogStreamEvent = { type: 'LogStreamResumed', data: { ...ids, at: LATER } };

describe('log stream decider', () => {
  describe('CreateLogStream', () => {
    it('keeps only public sink fields in the event, the secrets travel sealed; active, no filters by default', () => {
      spec.given([]).when(create(splunkBody())).then([created()]);
    });

    it.each([
      [
        'sumo',
        { sumoSourceAddress: 'https://collectors.sumologic.com/receiver/v1/http/SECRETCODE' },
        {},
        { sumoSourceAddress: 'https://collectors.sumologic.com/receiver/v1/http/SECRETCODE' },
      ],
      [
        'http',
        {
          httpEndpoint: 'https://hooks.acme.test/logs',
          httpContentFormat: 'JSONLINES',
          httpAuthorization: 'Bearer abc',
          httpCustomHeaders: [{ header: 'X-Key', value: 'k' }],
        },
        { httpEndpoint: 'https://hooks.acme.test/logs', httpContentFormat: 'JSONLINES' },
        { httpAuthorization: 'Bearer abc', httpCustomHeaders: [{ header: 'X-Key', value: 'k' }] },
      ],
      [
        'loggly',
        { logglyToken: 'loggly-token', logglyTags: ['roster'] },
        { logglyTags: ['roster'] },
        { logglyToken: 'loggly-token' },
      ],
    ])('creates a %s stream; the handler seals exactly the secret fields', (type, sink, publicSink, secrets) => {
      spec
        .given([])
        .when(create({ name: 'Out', type, sink }))
        .then([created({ name: 'Out', type: type as 'sumo', sink: publicSink })]);
      expect(sinkSecretsAfter(type, {}, sink)).toEqual(secrets);
    });

    it('stores status, filters, isPriority and a normalised startFrom', () => {
      spec
        .given([])
        .when(
          create(
            splunkBody({
              status: 'paused',
              isPriority: true,
              filters: [{ type: 'category', name: 'auth.login.fail' }],
              startFrom: '2025-12-31T12:00:00+01:00',
            }),
          ),
        )
        .then([
          created({
            status: 'paused',
            is_priority: true,
            filters: [{ type: 'category', name: 'auth.login.fail' }],
            start_from: '2025-12-31T11:00:00.000Z',
          }),
        ]);
    });

    it.each([
      [{ type: 'splunk', sink: SPLUNK_SINK }, "Payload validation error: 'Missing required property: name'"],
      [splunkBody({ name: '<b>x</b>' }), /String does not match pattern \^\[\^<>\]\+\$' on property name/],
      [splunkBody({ name: 'x'.repeat(129) }), /String is too long \(129 chars\), maximum 128/],
      [
        splunkBody({ type: 'eventbridge' }),
        'Payload validation error: \'No enum match for: "eventbridge"\' on property type',
      ],
      [
        splunkBody({ status: 'suspended' }),
        'Payload validation error: \'No enum match for: "suspended"\' on property status',
      ],
      [splunkBody({ isPriority: 'yes' }), /Expected type boolean but found type string' on property isPriority/],
      [
        splunkBody({ filters: [{ type: 'category', name: 'auth.login.nope' }] }),
        'Payload validation error: \'No enum match for: "auth.login.nope"\' on property filters[0].name',
      ],
      [splunkBody({ filters: [{ type: 'type', name: 'auth.login.fail' }] }), /on property filters\[0\]\.type/],
      [
        splunkBody({ filters: Array.from({ length: 31 }, () => ({ type: 'category', name: 'other' })) }),
        /Array is too long \(31\), maximum 30/,
      ],
      [
        splunkBody({
          filters: [
            { type: 'category', name: 'other' },
            { type: 'category', name: 'other' },
          ],
        }),
        /Array items are not unique/,
      ],
      [splunkBody({ startFrom: '2026-01-02T00:00:00Z' }), /Date must not be in the future' on property startFrom/],
      [splunkBody({ startFrom: 'yesterday' }), /Must be an ISO 8601 date/],
      [splunkBody({ startFrom: '2025-12-31T10:00:00' }), /Must be an ISO 8601 date/],
      [splunkBody({ pii_config: {} }), "Payload validation error: 'Additional properties not allowed: pii_config'"],
      [splunkBody({ id: ID }), "Payload validation error: 'Property is read-only' on property id"],
      [{ name: 'x', type: 'splunk' }, "Payload validation error: 'Missing required property: sink'"],
      [
        splunkBody({ sink: { splunkDomain: 'splunk.acme.test', splunkSecure: true } }),
        "Payload validation error: 'Missing required property: splunkToken' on property sink",
      ],
      [
        {
          name: 'x',
          type: 'http',
          sink: { httpEndpoint: 'http://hooks.acme.test/logs', httpContentFormat: 'JSONLINES' },
        },
        /URL must use https .* on property sink\.httpEndpoint/,
      ],
      [splunkBody({ sink: 'splunk.acme.test' }), /Expected type object but found type string' on property sink/],
    ])('refuses %j', (body, message) => {
      spec.given([]).when(create(body)).thenThrows(invalidBody(message));
    });

    it('never quotes a sink value in its messages', () => {
      const error = spec
        .given([])
        .when(create(splunkBody({ sink: { ...SPLUNK_SINK, splunkToken: 'has space secret' } })))
        .thenThrows(invalidBody(/on property sink\.splunkToken/));
      expect(JSON.stringify(error)).not.toContain('has space secret');
    });

    it('refuses an id that is taken', () => {
      spec.given([created()]).when(create(splunkBody())).thenThrows(rosterError('conflict', 'log_stream_conflict'));
    });
  });

  describe('UpdateLogStream', () => {
    it('emits only what changed', () => {
      spec
        .given([created()])
        .when(update({ name: 'SIEM 2', status: 'paused', filters: [{ type: 'category', name: 'management.success' }] }))
        .then([
          changed({
            name: 'SIEM 2',
            status: 'paused',
            filters: [{ type: 'category', name: 'management.success' }],
          }),
        ]);
    });

    it('emits nothing for an identical update, type and secret repeated included', () => {
      spec
        .given([created()])
        .when(update({ name: 'SIEM', type: 'splunk', status: 'active', sink: { splunkToken: TOKEN } }))
        .thenNothingHappened();
    });

    it('rotates a secret: no public change, the new secrets sealed', () => {
      spec
        .given([created()])
        .when(update({ sink: { splunkToken: 'splunk-token-rotated-000' } }))
        .then([changed({}, RESEALED)]);
      expect(sinkSecretsAfter('splunk', { splunkToken: TOKEN }, { splunkToken: 'splunk-token-rotated-000' })).toEqual({
        splunkToken: 'splunk-token-rotated-000',
      });
    });

    it('merges a public sink change into the sink and emits the whole public sink', () => {
      spec
        .given([created()])
        .when(update({ sink: { splunkPort: '8089' } }))
        .then([changed({ sink: { splunkDomain: 'splunk.acme.test', splunkSecure: true, splunkPort: '8089' } })]);
    });

    it('removes an optional sink field with null, and refuses to remove a required one', () => {
      const http = created({
        type: 'http',
        sink: { httpEndpoint: 'https://hooks.acme.test/logs', httpContentFormat: 'JSONLINES' },
      });
      const secrets = { httpAuthorization: 'Bearer abc' };
      spec
        .given([http])
        .when(update({ sink: { httpAuthorization: null } }, secrets))
        .then([changed({}, RESEALED)]);
      expect(sinkSecretsAfter('http', secrets, { httpAuthorization: null })).toEqual({});
      spec
        .given([http])
        .when(update({ sink: { httpEndpoint: null } }, secrets))
        .thenThrows(
          invalidBody("Payload validation error: 'Missing required property: httpEndpoint' on property sink"),
        );
    });

    it.each([
      [{ type: 'sumo' }, "Payload validation error: 'Property cannot be changed after creation' on property type"],
      [
        { startFrom: '2025-01-01' },
        "Payload validation error: 'Property cannot be changed after creation' on property startFrom",
      ],
      [{ status: 'suspended' }, /No enum match for: "suspended"/],
      [{ sink: { splunkDomain: 'splunk.acme.test/path' } }, /on property sink\.splunkDomain/],
      [{ sink: { splunkTokn: 'x' } }, /Additional properties not allowed: splunkTokn' on property sink/],
      [{ filters: [{ type: 'category', name: 'nope' }] }, /on property filters\[0\]\.name/],
    ])('refuses %j', (changes, message) => {
      spec.given([created()]).when(update(changes)).thenThrows(invalidBody(message));
    });

    it('resumes a stream suspended at its current revision: the revision moves although nothing else does', () => {
      spec
        .given([created()])
        .when(update({ status: 'active' }, undefined, 1))
        .then([resumed]);
      spec
        .given([created(), changed({ name: 'SIEM 2' })])
        .when(update({ status: 'active' }, undefined, 2))
        .then([resumed]);
      // Suspended at an older revision: the change since restarted it already.
      spec
        .given([created(), changed({ name: 'SIEM 2' })])
        .when(update({ status: 'active' }, undefined, 1))
        .thenNothingHappened();
      // Resumed at revision 2: suspended at 1 no longer counts.
      spec
        .given([created(), resumed])
        .when(update({ status: 'active' }, undefined, 1))
        .thenNothingHappened();
      spec
        .given([created()])
        .when(update({ name: 'SIEM' }, undefined, 1))
        .thenNothingHappened();
    });

    it('un-pauses a paused stream with an ordinary change', () => {
      spec
        .given([created({ status: 'paused' })])
        .when(update({ status: 'active' }, undefined, 1))
        .then([changed({ status: 'active' })]);
    });

    it('reports a stream that does not exist or was deleted', () => {
      spec
        .given([])
        .when(update({ name: 'x' }))
        .thenThrows(rosterError('not_found', 'inexistent_log_stream'));
      spec
        .given([created(), { type: 'LogStreamDeleted', data: { ...ids, at: LATER } }])
        .when(update({ name: 'x' }))
        .thenThrows(rosterError('not_found', 'inexistent_log_stream'));
    });
  });

  describe('DeleteLogStream', () => {
    it('deletes once', () => {
      const deleted: LogStreamEvent = { type: 'LogStreamDeleted', data: { ...ids, at: LATER } };
      spec.given([created()]).when(remove).then([deleted]);
      spec.given([created(), deleted]).when(remove).thenThrows(rosterError('not_found', 'inexistent_log_stream'));
    });
  });

  describe('sinkSecretsAfter', () => {
    it('is empty for an unknown type or a sink that is no object', () => {
      expect(sinkSecretsAfter('eventbridge', {}, { token: 'x' })).toEqual({});
      expect(sinkSecretsAfter('splunk', { splunkToken: TOKEN }, 'not an object')).toEqual({});
      expect(sinkSecretsAfter('splunk', { splunkToken: TOKEN }, undefined)).toEqual({ splunkToken: TOKEN });
    });
  });

  // @roster/log-sinks and @roster/logs import this library and it imports them back: whichever loads first, the
  // rules must work once loading is done.
  it.each(['@roster/log-sinks', '@roster/logs', '@roster/registry-domain'])(
    'works when %s is loaded first',
    (first) => {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- load order is what is tested
        require(first);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const domain = require('@roster/registry-domain') as typeof import('../index');
        const events = domain.logStreamDecider.decide(
          create(splunkBody({ filters: [{ type: 'category', name: 'other' }] })) as never,
          domain.logStreamDecider.initialState(),
        );
        expect(events).toEqual([created({ filters: [{ type: 'category', name: 'other' }] })]);
      });
    },
  );
});
