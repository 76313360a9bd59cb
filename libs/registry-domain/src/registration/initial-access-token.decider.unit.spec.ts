import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { InitialAccessTokenCommand } from './initial-access-token.commands';
import { initialAccessTokenDecider } from './initial-access-token.decider';
import type { InitialAccessTokenEvent } from './initial-access-token.events';

const spec = DeciderSpecification.for(initialAccessTokenDecider);
const tenant = 'acme';
const CLIENT_ID = 'dcr_client_1';
/** AT + 1 ms short of a day: the last instant a default token still works. */
const LAST_MOMENT = '2026-01-01T23:59:59.999Z';

const plusSeconds = (at: string, seconds: number): string => new Date(Date.parse(at) + seconds * 1000).toISOString();

const issue = (id: string, options?: unknown, at = AT): InitialAccessTokenCommand => ({
  type: 'IssueInitialAccessToken',
  data: { tenant, id, at, token_hash: `hash-${id}`, options },
});
const use = (id: string, at = AT): InitialAccessTokenCommand => ({
  type: 'UseInitialAccessToken',
  data: { tenant, id, at, client_id: CLIENT_ID },
});
const revoke = (id: string, at = AT): InitialAccessTokenCommand => ({
  type: 'RevokeInitialAccessToken',
  data: { tenant, id, at },
});

const issued = (
  id: string,
  { at = AT, expires_in = 86400, count = 1 }: { at?: string; expires_in?: number; count?: number } = {},
): InitialAccessTokenEvent => ({
  type: 'InitialAccessTokenIssued',
  data: { tenant, id, at, token_hash: `hash-${id}`, expires_at: plusSeconds(at, expires_in), count },
});
const used = (id: string, remaining_count: number, at = AT): InitialAccessTokenEvent => ({
  type: 'InitialAccessTokenUsed',
  data: { tenant, id, at, client_id: CLIENT_ID, remaining_count },
});
const revoked = (id: string, at = AT): InitialAccessTokenEvent => ({
  type: 'InitialAccessTokenRevoked',
  data: { tenant, id, at },
});

const stateAfter = (events: InitialAccessTokenEvent[]) =>
  events.reduce(initialAccessTokenDecider.evolve, initialAccessTokenDecider.initialState());

/** Every unusable token gets the same 401, whatever the reason. */
const invalidToken = rosterError(
  'unauthorized',
  'invalid_token',
  'The initial access token is invalid, expired or used up',
);
const tokenNotFound = rosterError('not_found', 'inexistent_initial_access_token', 'Initial access token not found.');

const manyIssued = (n: number, options: { at?: string; expires_in?: number; count?: number } = {}) =>
  Array.from({ length: n }, (_, i) => issued(`iat_${i}`, options));

describe('initial access token decider', () => {
  describe('IssueInitialAccessToken', () => {
    it.each([
      ['no options', undefined],
      ['empty options', {}],
    ])('issues a one-use token valid for a day with %s (Keycloak defaults)', (_what, options) => {
      spec
        .given([])
        .when(issue('iat_a', options))
        .then([
          {
            type: 'InitialAccessTokenIssued',
            data: { tenant, id: 'iat_a', at: AT, token_hash: 'hash-iat_a', expires_at: LATER, count: 1 },
          },
        ]);
    });

    it('takes expires_in and count, up to their maximums', () => {
      spec
        .given([])
        .when(issue('iat_a', { expires_in: 3600, count: 5 }))
        .then([issued('iat_a', { expires_in: 3600, count: 5 })]);
      spec
        .given([])
        .when(issue('iat_a', { expires_in: 31536000, count: 1000000 }))
        .then([issued('iat_a', { expires_in: 31536000, count: 1000000 })]);
    });

    it('starts with every use remaining', () => {
      expect(stateAfter([issued('iat_a', { count: 3 })]).tokens).toEqual({
        iat_a: {
          id: 'iat_a',
          token_hash: 'hash-iat_a',
          created_at: AT,
          expires_at: LATER,
          count: 3,
          remaining_count: 3,
        },
      });
    });

    it.each([
      [{ count: 0 }, "Payload validation error: 'Value 0 is less than minimum 1' on property count"],
      [{ expires_in: 0 }, "Payload validation error: 'Value 0 is less than minimum 1' on property expires_in"],
      [{ count: -1 }, "Payload validation error: 'Value -1 is less than minimum 1' on property count"],
      [
        { expires_in: 31536001 },
        "Payload validation error: 'Value 31536001 is greater than maximum 31536000' on property expires_in",
      ],
      [
        { count: 1000001 },
        "Payload validation error: 'Value 1000001 is greater than maximum 1000000' on property count",
      ],
      [{ count: 1.5 }, "Payload validation error: 'Expected type integer but found type number' on property count"],
      [
        { expires_in: '3600' },
        "Payload validation error: 'Expected type integer but found type string' on property expires_in",
      ],
      [{ foo: 1 }, "Payload validation error: 'Additional properties not allowed: foo'"],
      [[], "Payload validation error: 'Expected type object but found type array'"],
    ])('refuses options %j with 400: %s', (options, message) => {
      spec.given([]).when(issue('iat_a', options)).thenThrows(invalidBody(message));
    });

    it('refuses the 101st live token of a tenant', () => {
      spec
        .given(manyIssued(99))
        .when(issue('iat_new'))
        .then([issued('iat_new')]);
      spec
        .given(manyIssued(100))
        .when(issue('iat_new'))
        .thenThrows(invalidBody("Payload validation error: 'A tenant holds at most 100 live initial access tokens'"));
    });

    it('does not count used-up, revoked or expired tokens towards the cap', () => {
      const full = manyIssued(100, { count: 1 });
      spec
        .given([...full, used('iat_0', 0)])
        .when(issue('iat_new'))
        .then([issued('iat_new')]);
      spec
        .given([...full, revoked('iat_0')])
        .when(issue('iat_new'))
        .then([issued('iat_new')]);
      spec
        .given(manyIssued(100, { expires_in: 60 }))
        .when(issue('iat_new', undefined, LATER))
        .then([issued('iat_new', { at: LATER })]);
    });

    it('prunes expired tokens when the next one is issued, and keeps the live ones', () => {
      const history = [issued('iat_short', { expires_in: 60 }), issued('iat_long', { expires_in: 7 * 86400 })];
      // Expired but not yet pruned: still listed until the next issue.
      expect(Object.keys(stateAfter(history).tokens)).toEqual(['iat_short', 'iat_long']);
      const [next] = initialAccessTokenDecider.decide(issue('iat_next', undefined, LATER), stateAfter(history));
      expect(Object.keys(stateAfter([...history, next]).tokens).sort()).toEqual(['iat_long', 'iat_next']);
    });
  });

  describe('UseInitialAccessToken', () => {
    it('counts a use down and keeps the token while uses remain', () => {
      spec
        .given([issued('iat_a', { count: 3 })])
        .when(use('iat_a'))
        .then([used('iat_a', 2)]);
      expect(stateAfter([issued('iat_a', { count: 3 }), used('iat_a', 2)]).tokens.iat_a.remaining_count).toBe(2);
    });

    it('drops the token at its last use, after which it is refused', () => {
      spec
        .given([issued('iat_a')])
        .when(use('iat_a'))
        .then([used('iat_a', 0)]);
      expect(stateAfter([issued('iat_a'), used('iat_a', 0)]).tokens).toEqual({});
      spec
        .given([issued('iat_a'), used('iat_a', 0)])
        .when(use('iat_a'))
        .thenThrows(invalidToken);
      spec
        .given([issued('iat_a', { count: 2 }), used('iat_a', 1), used('iat_a', 0)])
        .when(use('iat_a'))
        .thenThrows(invalidToken);
    });

    it('works until the instant before expires_at and is refused from expires_at on', () => {
      spec
        .given([issued('iat_a')])
        .when(use('iat_a', LAST_MOMENT))
        .then([used('iat_a', 0, LAST_MOMENT)]);
      spec
        .given([issued('iat_a', { count: 5 })])
        .when(use('iat_a', LATER))
        .thenThrows(invalidToken);
    });

    it('refuses an unknown or revoked token with the same 401', () => {
      spec.given([]).when(use('iat_a')).thenThrows(invalidToken);
      spec
        .given([issued('iat_b')])
        .when(use('iat_a'))
        .thenThrows(invalidToken);
      spec
        .given([issued('iat_a'), revoked('iat_a')])
        .when(use('iat_a'))
        .thenThrows(invalidToken);
    });
  });

  describe('RevokeInitialAccessToken', () => {
    it('removes the token', () => {
      spec
        .given([issued('iat_a'), issued('iat_b')])
        .when(revoke('iat_a'))
        .then([revoked('iat_a')]);
      expect(Object.keys(stateAfter([issued('iat_a'), issued('iat_b'), revoked('iat_a')]).tokens)).toEqual(['iat_b']);
    });

    it('revokes a listed token even once it has expired', () => {
      spec
        .given([issued('iat_a', { expires_in: 60 })])
        .when(revoke('iat_a', LATER))
        .then([revoked('iat_a', LATER)]);
    });

    it('answers 404 for an unknown, already revoked or used-up token', () => {
      spec.given([]).when(revoke('iat_a')).thenThrows(tokenNotFound);
      spec
        .given([issued('iat_a'), revoked('iat_a')])
        .when(revoke('iat_a'))
        .thenThrows(tokenNotFound);
      spec
        .given([issued('iat_a'), used('iat_a', 0)])
        .when(revoke('iat_a'))
        .thenThrows(tokenNotFound);
    });
  });
});
