import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { ResourceServerCommand } from './resource-server.commands';
import { resourceServerDecider } from './resource-server.decider';
import type { ResourceServerEvent } from './resource-server.events';
import { resourceServerId } from './resource-server.rules';

const spec = DeciderSpecification.for(resourceServerDecider);
const IDENTIFIER = 'https://api.example.com/';
const id = resourceServerId('acme', IDENTIFIER);
const create = (resource_server: unknown, is_system?: boolean): ResourceServerCommand => ({
  type: 'CreateResourceServer',
  data: { tenant: 'acme', at: AT, resource_server, ...(is_system === undefined ? {} : { is_system }) },
});
const update = (changes: unknown): ResourceServerCommand => ({
  type: 'UpdateResourceServer',
  data: { tenant: 'acme', resource_server_id: id, at: LATER, changes },
});
const remove: ResourceServerCommand = {
  type: 'RemoveResourceServer',
  data: { tenant: 'acme', resource_server_id: id, at: LATER },
};
const created = (is_system = false): ResourceServerEvent => ({
  type: 'ResourceServerCreated',
  data: {
    tenant: 'acme',
    resource_server_id: id,
    at: AT,
    identifier: IDENTIFIER,
    name: IDENTIFIER,
    scopes: [{ value: 'read:things', description: '' }],
    signing_alg: 'ES256',
    token_lifetime: 86400,
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
    is_system,
  },
});
const removed: ResourceServerEvent = {
  type: 'ResourceServerRemoved',
  data: { tenant: 'acme', resource_server_id: id, at: LATER, identifier: IDENTIFIER },
};

describe('resource server decider', () => {
  it('derives a stable 24-hex id from tenant and identifier', () => {
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(resourceServerId('acme', IDENTIFIER)).toBe(id);
    expect(resourceServerId('other', IDENTIFIER)).not.toBe(id);
  });

  describe('CreateResourceServer', () => {
    it('creates with Auth0 defaults (name = identifier, 24 h tokens, ES256)', () => {
      spec
        .given([])
        .when(create({ identifier: IDENTIFIER, scopes: [{ value: 'read:things' }] }))
        .then([created()]);
    });

    it('marks the Management API as a system API', () => {
      spec
        .given([])
        .when(create({ identifier: IDENTIFIER, scopes: [{ value: 'read:things' }] }, true))
        .then([created(true)]);
    });

    it('may reuse the identifier of a removed API', () => {
      spec
        .given([created(), removed])
        .when(create({ identifier: IDENTIFIER, scopes: [{ value: 'read:things' }] }))
        .then([created()]);
    });

    it('refuses a second API with the same identifier', () => {
      spec
        .given([created()])
        .when(create({ identifier: IDENTIFIER }))
        .thenThrows(rosterError('conflict', 'resource_server_conflict'));
    });

    it.each([
      [{}, "Payload validation error: 'Missing required property: identifier'"],
      [{ identifier: 'x'.repeat(601) }, /String is too long \(601 chars\), maximum 600/],
      [{ identifier: 'has space' }, /String does not match pattern/],
      [
        { identifier: IDENTIFIER, token_lifetime: 0 },
        "Payload validation error: 'Value 0 is less than minimum 1' on property token_lifetime",
      ],
      [
        { identifier: IDENTIFIER, token_lifetime: 2592001 },
        "Payload validation error: 'Value 2592001 is greater than maximum 2592000' on property token_lifetime",
      ],
      [
        { identifier: IDENTIFIER, signing_alg: 'HS256' },
        'Payload validation error: \'No enum match for: "HS256"\' on property signing_alg',
      ],
      [
        { identifier: IDENTIFIER, scopes: [{ value: 'a' }, { value: 'a', description: 'dup' }] },
        'Payload validation error: \'Scope values are not unique: "a"\' on property scopes',
      ],
      [
        { identifier: IDENTIFIER, scopes: [{ description: 'no value' }] },
        "Payload validation error: 'Missing required property: value' on property scopes[0]",
      ],
      [{ identifier: IDENTIFIER, scopes: [{ value: 'read things' }] }, /on property scopes\[0\]\.value/],
      [
        { identifier: IDENTIFIER, is_system: true },
        "Payload validation error: 'Property is read-only' on property is_system",
      ],
    ])('refuses %j', (body, message) => {
      spec.given([]).when(create(body)).thenThrows(invalidBody(message));
    });

    it('refuses a resource_server_id that does not match the identifier', () => {
      spec
        .given([])
        .when({
          type: 'CreateResourceServer',
          data: { tenant: 'acme', resource_server_id: 'nope', at: AT, resource_server: { identifier: IDENTIFIER } },
        })
        .thenThrows(rosterError('internal', 'command_contract'));
    });
  });

  describe('UpdateResourceServer', () => {
    it('emits only the changed fields; scopes replace', () => {
      spec
        .given([created()])
        .when(
          update({
            name: 'Things API',
            token_lifetime: 86400,
            scopes: [{ value: 'write:things', description: 'Write' }],
          }),
        )
        .then([
          {
            type: 'ResourceServerSettingsChanged',
            data: {
              tenant: 'acme',
              resource_server_id: id,
              at: LATER,
              changes: { name: 'Things API', scopes: [{ value: 'write:things', description: 'Write' }] },
            },
          },
        ]);
    });

    it('emits nothing for an identical update and refuses a new identifier', () => {
      spec
        .given([created()])
        .when(update({ identifier: IDENTIFIER, token_lifetime: 86400 }))
        .thenNothingHappened();
      spec
        .given([created()])
        .when(update({ identifier: 'https://other/' }))
        .thenThrows(invalidBody(/cannot be changed after creation' on property identifier/));
    });

    it('refuses to modify or delete a system API', () => {
      spec
        .given([created(true)])
        .when(update({ name: 'Mine' }))
        .thenThrows(rosterError('forbidden', 'operation_not_supported'));
      spec
        .given([created(true)])
        .when(remove)
        .thenThrows(rosterError('forbidden', 'operation_not_supported'));
    });

    it('reports an unknown resource server', () => {
      spec.given([]).when(update({})).thenThrows(rosterError('not_found', 'inexistent_resource_server'));
    });
  });

  describe('RemoveResourceServer', () => {
    it('removes once', () => {
      spec.given([created()]).when(remove).then([removed]);
      spec.given([created(), removed]).when(remove).thenThrows(rosterError('not_found', 'inexistent_resource_server'));
    });
  });
});
