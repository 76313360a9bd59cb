import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, invalidBody } from '../test-support';
import type { ApplicationOrigin, AppType, GrantType, TokenEndpointAuthMethod } from './application.events';
import { APP_TYPES, GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from './application.events';
import type { ApplicationCommand } from './application.commands';
import { applicationDecider } from './application.decider';

/**
 * Generated matrix: app type × auth method × ownership × grant type, registered through the decider. The expected
 * outcome is written from the words of auth0-domain.md §4.2/§5 independently of grant-types.rules.ts, so a
 * wrong cell in that table shows up here.
 */
type Ownership = 'first-party' | 'third-party strict' | 'third-party permissive';
const OWNERSHIPS: Ownership[] = ['first-party', 'third-party strict', 'third-party permissive'];

const PASSWORD_AND_MFA = [
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code',
  'http://auth0.com/oauth/grant-type/passwordless/otp',
];
const AUTHENTICATED_FIRST_PARTY_ONLY = [
  'urn:openid:params:grant-type:ciba',
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token',
];
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const DEVICE_MESSAGE =
  'Application must have Token Endpoint Authentication Method set to "none" when urn:ietf:params:oauth:grant-type:device_code is enabled';
const SPA_MESSAGE =
  "Payload validation error: 'Single-page applications must use token_endpoint_auth_method none' on property token_endpoint_auth_method";

interface Case {
  app_type: AppType;
  method: TokenEndpointAuthMethod;
  ownership: Ownership;
  grant: GrantType;
  origin: ApplicationOrigin;
}

/** null = accepted; otherwise the exact message of the 400. */
const expected = ({ app_type, method, ownership, grant, origin }: Case): string | null => {
  const invalid = `Invalid grant types: ${grant}`;
  const isPublic = method === 'none';
  const firstParty = ownership === 'first-party';
  if (app_type === 'spa' && !isPublic) return SPA_MESSAGE;
  if (grant === DEVICE) {
    if (!isPublic) return DEVICE_MESSAGE; // "requires auth method none"
    if (app_type !== 'native') return invalid; // "Y for native only"
    return ownership === 'third-party strict' ? invalid : null; // strict: "no ... device code"
  }
  if (grant === 'client_credentials' && isPublic) return invalid; // "public: N"
  if (PASSWORD_AND_MFA.includes(grant) && !firstParty) return invalid; // "first-party only"
  if (AUTHENTICATED_FIRST_PARTY_ONLY.includes(grant) && (isPublic || !firstParty)) return invalid;
  if (
    ownership === 'third-party strict' &&
    !['authorization_code', 'refresh_token', 'client_credentials'].includes(grant)
  ) {
    return invalid;
  }
  const registrable = ['authorization_code', 'refresh_token', 'client_credentials', 'implicit'];
  if (origin === 'dynamic_registration' && !registrable.includes(grant)) return invalid;
  return null;
};

const ownershipFields = (ownership: Ownership) =>
  ownership === 'first-party'
    ? { is_first_party: true }
    : {
        is_first_party: false,
        third_party_security_mode: ownership === 'third-party strict' ? 'strict' : 'permissive',
      };

const cases: Case[] = APP_TYPES.flatMap((app_type) =>
  TOKEN_ENDPOINT_AUTH_METHODS.flatMap((method) =>
    OWNERSHIPS.flatMap((ownership) =>
      GRANT_TYPES.map((grant) => ({ app_type, method, ownership, grant, origin: 'management_api' as const })),
    ),
  ),
);
const dynamicRegistrationCases: Case[] = (['regular_web', 'native'] as const).flatMap((app_type) =>
  GRANT_TYPES.map((grant) => ({
    app_type,
    method: app_type === 'native' ? ('none' as const) : ('client_secret_basic' as const),
    ownership: 'third-party strict' as const,
    grant,
    origin: 'dynamic_registration' as const,
  })),
);

const spec = DeciderSpecification.for(applicationDecider);

const registerCommand = (c: Case): ApplicationCommand => ({
  type: 'RegisterApplication',
  data: {
    tenant: 'acme',
    client_id: 'c1',
    at: AT,
    origin: c.origin,
    secret_hash: 'hash',
    enabled_connections: [],
    settings: {
      name: 'App',
      app_type: c.app_type,
      token_endpoint_auth_method: c.method,
      grant_types: [c.grant],
      ...ownershipFields(c.ownership),
    },
  },
});

const run = (c: Case) => {
  const message = expected(c);
  if (message !== null) {
    spec.given([]).when(registerCommand(c)).thenThrows(invalidBody(message));
    return;
  }
  const [event] = applicationDecider.decide(registerCommand(c), applicationDecider.initialState());
  expect(event.type === 'ApplicationRegistered' && event.data.settings.grant_types).toEqual([c.grant]);
};

describe('grant type matrix (app type × auth method × ownership × grant)', () => {
  it(`covers ${cases.length} combinations`, () => {
    expect(cases).toHaveLength(
      APP_TYPES.length * TOKEN_ENDPOINT_AUTH_METHODS.length * OWNERSHIPS.length * GRANT_TYPES.length,
    );
    expect(cases.filter((c) => expected(c) === null).length).toBeGreaterThan(50);
  });

  it.each(cases.map((c) => [c.app_type, c.method, c.ownership, c.grant, expected(c) ?? 'accepted', c] as const))(
    '%s / %s / %s / %s → %s',
    (_a, _m, _o, _g, _e, c) => run(c),
  );

  it.each(dynamicRegistrationCases.map((c) => [c.app_type, c.grant, expected(c) ?? 'accepted', c] as const))(
    'dynamic registration %s / %s → %s',
    (_a, _g, _e, c) => run(c),
  );

  it('names every unknown grant in one message', () => {
    spec
      .given([])
      .when({
        type: 'RegisterApplication',
        data: {
          tenant: 'acme',
          client_id: 'c1',
          at: AT,
          origin: 'management_api',
          secret_hash: 'h',
          enabled_connections: [],
          settings: {
            name: 'A',
            grant_types: ['passwordless', 'authorization_code', 'http://auth0.com/oauth/legacy/grant-type/ro'],
          },
        },
      })
      .thenThrows(invalidBody('Invalid grant types: passwordless, http://auth0.com/oauth/legacy/grant-type/ro'));
  });
});
