import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { ClientGrantCommand } from './client-grant.commands';
import { clientGrantDecider } from './client-grant.decider';
import type { ClientGrantEvent } from './client-grant.events';
import { clientGrantId } from './client-grant.rules';

const spec = DeciderSpecification.for(clientGrantDecider);
const AUDIENCE = 'https://api.example.com/';
const AVAILABLE = ['read:things', 'write:things'];
const id = clientGrantId('acme', 'c1', AUDIENCE);
const create = (scope: unknown, extra: Record<string, unknown> = {}): ClientGrantCommand => ({
  type: 'CreateClientGrant',
  data: { tenant: 'acme', at: AT, client_id: 'c1', audience: AUDIENCE, scope, available_scopes: AVAILABLE, ...extra },
});
const changeScope = (scope: unknown): ClientGrantCommand => ({
  type: 'ChangeClientGrantScope',
  data: { tenant: 'acme', client_grant_id: id, at: LATER, scope, available_scopes: AVAILABLE },
});
const remove: ClientGrantCommand = {
  type: 'RemoveClientGrant',
  data: { tenant: 'acme', client_grant_id: id, at: LATER },
};
const created: ClientGrantEvent = {
  type: 'ClientGrantCreated',
  data: { tenant: 'acme', client_grant_id: id, at: AT, client_id: 'c1', audience: AUDIENCE, scope: ['read:things'] },
};
const removed: ClientGrantEvent = {
  type: 'ClientGrantRemoved',
  data: { tenant: 'acme', client_grant_id: id, at: LATER, client_id: 'c1', audience: AUDIENCE },
};
const notFound = rosterError('not_found', 'inexistent_client_grant');

describe('clientGrantId', () => {
  it('is cgr_ + 16 base62 characters, stable per (tenant, client, audience)', () => {
    expect(id).toMatch(/^cgr_[0-9A-Za-z]{16}$/);
    expect(clientGrantId('acme', 'c1', AUDIENCE)).toBe(id);
    expect(
      new Set([
        id,
        clientGrantId('acme', 'c2', AUDIENCE),
        clientGrantId('other', 'c1', AUDIENCE),
        clientGrantId('acme', 'c1', 'x'),
      ]).size,
    ).toBe(4);
  });

  it('cannot be confused by separators inside the parts', () => {
    expect(clientGrantId('a', 'b:c', 'd')).not.toBe(clientGrantId('a', 'b', 'c:d'));
  });
});

describe('client grant decider', () => {
  it('creates a grant under the derived id', () => {
    spec
      .given([])
      .when(create(['read:things']))
      .then([created]);
    spec
      .given([])
      .when(create(['read:things'], { client_grant_id: id }))
      .then([created]);
  });

  it('refuses a second grant for the same pair, allows one after removal', () => {
    spec
      .given([created])
      .when(create(['read:things']))
      .thenThrows(rosterError('conflict', 'client_grant_conflict'));
    spec
      .given([created, removed])
      .when(create(['read:things']))
      .then([created]);
  });

  it.each([
    [
      'not an array',
      'read:things',
      "Payload validation error: 'Expected type array but found type string' on property scope",
    ],
    [
      'unknown scope',
      ['read:things', 'delete:everything'],
      "Payload validation error: 'Scopes not defined by the resource server: delete:everything' on property scope",
    ],
    [
      'duplicate',
      ['read:things', 'read:things'],
      "Payload validation error: 'Array items are not unique (indexes 0 and 1)' on property scope",
    ],
    ['whitespace', ['read things'], /on property scope\[0\]/],
  ])('refuses a scope that is %s', (_title, scope, message) => {
    spec.given([]).when(create(scope)).thenThrows(invalidBody(message));
  });

  it('refuses a missing client_id and a mismatched id', () => {
    spec
      .given([])
      .when(create([], { client_id: '' }))
      .thenThrows(invalidBody(/on property client_id/));
    spec
      .given([])
      .when(create([], { client_grant_id: 'cgr_wrong' }))
      .thenThrows(rosterError('internal', 'command_contract'));
  });

  it('changes the scope, and does nothing for the same set', () => {
    spec
      .given([created])
      .when(changeScope(['write:things', 'read:things']))
      .then([
        {
          type: 'ClientGrantScopeChanged',
          data: { tenant: 'acme', client_grant_id: id, at: LATER, scope: ['write:things', 'read:things'] },
        },
      ]);
    spec
      .given([created])
      .when(changeScope(['read:things']))
      .thenNothingHappened();
    spec
      .given([created])
      .when(changeScope(['admin']))
      .thenThrows(invalidBody(/Scopes not defined by the resource server: admin/));
  });

  it('removes once', () => {
    spec.given([created]).when(remove).then([removed]);
    spec.given([created, removed]).when(remove).thenThrows(notFound);
    spec.given([]).when(changeScope([])).thenThrows(notFound);
  });
});
