import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { ConnectionCommand } from './connection.commands';
import { connectionDecider } from './connection.decider';
import type { ConnectionEvent } from './connection.events';
import { splitConnectionSecrets } from './connection.rules';

const spec = DeciderSpecification.for(connectionDecider);
const ids = { tenant: 'acme', connection_id: 'con_0123456789abcdef' };
const create = (connection: unknown): ConnectionCommand => ({
  type: 'CreateConnection',
  data: { ...ids, at: AT, connection },
});
const update = (changes: unknown): ConnectionCommand => ({
  type: 'UpdateConnection',
  data: { ...ids, at: LATER, changes },
});
const created: ConnectionEvent = {
  type: 'ConnectionCreated',
  data: {
    ...ids,
    at: AT,
    name: 'Username-Password-Authentication',
    strategy: 'auth0',
    options: {},
    realms: ['Username-Password-Authentication'],
    is_domain_connection: false,
  },
};
const removed: ConnectionEvent = {
  type: 'ConnectionRemoved',
  data: { ...ids, at: LATER, name: 'Username-Password-Authentication' },
};
const notFound = rosterError('not_found', 'inexistent_connection', 'The connection does not exist');

describe('connection decider', () => {
  describe('CreateConnection', () => {
    it('creates a connection with defaults (realm = name)', () => {
      spec
        .given([])
        .when(create({ name: 'Username-Password-Authentication', strategy: 'auth0' }))
        .then([created]);
    });

    it('keeps display name, options and metadata', () => {
      const [event] = connectionDecider.decide(
        create({
          name: 'google',
          strategy: 'google-oauth2',
          display_name: 'Google',
          options: { client_id: 'abc', scope: ['email'] },
          metadata: { team: 'a' },
        }),
        connectionDecider.initialState(),
      );
      expect(event.data).toMatchObject({
        display_name: 'Google',
        options: { client_id: 'abc', scope: ['email'] },
        metadata: { team: 'a' },
        realms: ['google'],
      });
    });

    it.each([
      [{ strategy: 'auth0' }, "Payload validation error: 'Missing required property: name'"],
      [{ name: 'db' }, "Payload validation error: 'Missing required property: strategy'"],
      [{ name: '-db', strategy: 'auth0' }, /String does not match pattern/],
      [{ name: 'db-', strategy: 'auth0' }, /String does not match pattern/],
      [{ name: 'my db', strategy: 'auth0' }, /String does not match pattern/],
      [{ name: 'x'.repeat(129), strategy: 'auth0' }, /String is too long \(129 chars\), maximum 128/],
      [
        { name: 'db', strategy: 'myspace' },
        'Payload validation error: \'No enum match for: "myspace"\' on property strategy',
      ],
      [
        { name: 'db', strategy: 'auth0', options: { client_secret: 'x' } },
        "Payload validation error: 'Secrets are not stored in connection options' on property options.client_secret",
      ],
      [
        { name: 'db', strategy: 'oidc', options: { nested: { Password: 'x' } } },
        "Payload validation error: 'Secrets are not stored in connection options' on property options.nested.Password",
      ],
      [
        { name: 'db', strategy: 'auth0', options: JSON.parse('{"__proto__":{"x":1}}') },
        "Payload validation error: 'Property name __proto__ is not allowed' on property options",
      ],
      [
        { name: 'db', strategy: 'auth0', options: { a: { b: { c: { d: { e: { f: {} } } } } } } },
        "Payload validation error: 'Object is nested too deeply, maximum depth 6' on property options",
      ],
      [
        { name: 'db', strategy: 'auth0', options: { s: 'a\u0000b' } },
        "Payload validation error: 'String contains control characters' on property options.s",
      ],
      [
        { name: 'db', strategy: 'auth0', enabled_clients: ['c1'] },
        "Payload validation error: 'Property is read-only' on property enabled_clients",
      ],
    ])('refuses %j', (body, message) => {
      spec.given([]).when(create(body)).thenThrows(invalidBody(message));
    });

    it('accepts PEM certificates with line breaks in options', () => {
      expect(
        connectionDecider.decide(
          create({
            name: 'saml',
            strategy: 'samlp',
            options: { signingCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' },
          }),
          connectionDecider.initialState(),
        ),
      ).toHaveLength(1);
    });

    it('refuses to create twice', () => {
      spec
        .given([created])
        .when(create({ name: 'db', strategy: 'auth0' }))
        .thenThrows(rosterError('conflict', 'connection_conflict'));
    });
  });

  describe('UpdateConnection', () => {
    it('emits only the changed fields and replaces options whole', () => {
      const withOptions: ConnectionEvent = {
        ...created,
        data: { ...created.data, options: { a: 1, b: 2 } },
      } as ConnectionEvent;
      spec
        .given([withOptions])
        .when(update({ options: { b: 3 }, is_domain_connection: false, display_name: 'Database' }))
        .then([
          {
            type: 'ConnectionSettingsChanged',
            data: { ...ids, at: LATER, changes: { options: { b: 3 }, display_name: 'Database' } },
          },
        ]);
    });

    it('accepts name and strategy unchanged, refuses changing them', () => {
      spec
        .given([created])
        .when(update({ name: 'Username-Password-Authentication', strategy: 'auth0' }))
        .thenNothingHappened();
      spec
        .given([created])
        .when(update({ name: 'other' }))
        .thenThrows(
          invalidBody("Payload validation error: 'Property cannot be changed after creation' on property name"),
        );
      spec
        .given([created])
        .when(update({ strategy: 'github' }))
        .thenThrows(invalidBody(/on property strategy/));
    });

    it('reports an unknown or removed connection', () => {
      spec.given([]).when(update({})).thenThrows(notFound);
      spec.given([created, removed]).when(update({})).thenThrows(notFound);
    });
  });

  describe('RemoveConnection', () => {
    const remove: ConnectionCommand = { type: 'RemoveConnection', data: { ...ids, at: LATER } };
    it('removes once, naming the connection', () => {
      spec.given([created]).when(remove).then([removed]);
      spec.given([created, removed]).when(remove).thenThrows(notFound);
    });
  });

  it('splits strategy secrets off the options for the handler to seal', () => {
    expect(splitConnectionSecrets({ client_id: 'id', client_secret: 's', scope: ['email'] })).toEqual({
      options: { client_id: 'id', scope: ['email'] },
      secrets: { client_secret: 's' },
    });
  });
});
