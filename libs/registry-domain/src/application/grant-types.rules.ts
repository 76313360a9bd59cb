import type { AppType, ApplicationOrigin, GrantType, TokenEndpointAuthMethod } from './application.events';
import { GRANT_TYPES } from './application.events';

/**
 * Auth0's grant-type matrix (auth0-domain.md §4.2) as data. `true` = allowed, `false` = refused with
 * `Invalid grant types: <grant>` (or `message` when Auth0 words it differently). Cells Auth0 leaves undocumented
 * ('?') are decided here and marked.
 */
export interface GrantTypeRule {
  /** token_endpoint_auth_method = none. */
  readonly public: boolean;
  /** client_secret_post / client_secret_basic. */
  readonly confidential: boolean;
  /** Only applications the tenant operates itself (is_first_party = true). */
  readonly firstPartyOnly: boolean;
  readonly thirdPartyStrict: boolean;
  /** Permissive (legacy) third-party mode: "most grants except password". */
  readonly thirdPartyPermissive: boolean;
  /** Applications created through Dynamic Client Registration (always third-party). */
  readonly dynamicRegistration: boolean;
  /** Restricts the grant to these app types. */
  readonly appTypes?: readonly AppType[];
  /** Auth0's own sentence when the grant is refused because the app is confidential. */
  readonly confidentialMessage?: string;
}

const PASSWORD_FAMILY: GrantTypeRule = {
  public: true,
  confidential: true,
  firstPartyOnly: true,
  thirdPartyStrict: false,
  thirdPartyPermissive: false,
  dynamicRegistration: false,
};

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_CODE_REQUIRES_NONE =
  'Application must have Token Endpoint Authentication Method set to "none" when urn:ietf:params:oauth:grant-type:device_code is enabled';

export const GRANT_TYPE_RULES: Readonly<Record<GrantType, GrantTypeRule>> = {
  authorization_code: {
    public: true,
    confidential: true,
    firstPartyOnly: false,
    thirdPartyStrict: true,
    thirdPartyPermissive: true,
    dynamicRegistration: true,
  },
  // Registrable where the tenant's DCR security mode is permissive (strict third-party refuses it above).
  implicit: {
    public: true,
    confidential: true,
    firstPartyOnly: false,
    thirdPartyStrict: false,
    thirdPartyPermissive: true,
    dynamicRegistration: true,
  },
  refresh_token: {
    public: true,
    confidential: true,
    firstPartyOnly: false,
    thirdPartyStrict: true,
    thirdPartyPermissive: true,
    dynamicRegistration: true,
  },
  // Auth0 keeps client_credentials from DCR clients; Roster allows it for confidential ones (as Keycloak and Hydra
  // do), because services register themselves and then call an API under an explicit client grant.
  client_credentials: {
    public: false,
    confidential: true,
    firstPartyOnly: false,
    thirdPartyStrict: true,
    thirdPartyPermissive: true,
    dynamicRegistration: true,
  },
  // '?' for public apps in Auth0's docs: allowed here, as for native first-party apps using ROPG.
  password: PASSWORD_FAMILY,
  'http://auth0.com/oauth/grant-type/password-realm': PASSWORD_FAMILY,
  'http://auth0.com/oauth/grant-type/mfa-oob': PASSWORD_FAMILY,
  'http://auth0.com/oauth/grant-type/mfa-otp': PASSWORD_FAMILY,
  'http://auth0.com/oauth/grant-type/mfa-recovery-code': PASSWORD_FAMILY,
  // '?' in Auth0's docs: embedded passwordless is a trusted-app feature, so treated like the password family.
  'http://auth0.com/oauth/grant-type/passwordless/otp': PASSWORD_FAMILY,
  [DEVICE_CODE_GRANT]: {
    public: true,
    confidential: false,
    firstPartyOnly: false,
    thirdPartyStrict: false,
    thirdPartyPermissive: true,
    dynamicRegistration: false,
    appTypes: ['native'],
    confidentialMessage: DEVICE_CODE_REQUIRES_NONE,
  },
  // '?' in Auth0's docs: CIBA and token exchange need an authenticated client, and are first-party features.
  'urn:openid:params:grant-type:ciba': {
    public: false,
    confidential: true,
    firstPartyOnly: true,
    thirdPartyStrict: false,
    thirdPartyPermissive: false,
    dynamicRegistration: false,
  },
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token': {
    public: false,
    confidential: true,
    firstPartyOnly: true,
    thirdPartyStrict: false,
    thirdPartyPermissive: false,
    dynamicRegistration: false,
  },
};

/** Auth0's grants for a new application that names none, before the matrix filters them (§1.4). */
export const DEFAULT_GRANT_TYPES: Readonly<Record<AppType, readonly GrantType[]>> = {
  spa: ['implicit', 'authorization_code', 'refresh_token'],
  native: ['implicit', 'authorization_code', 'refresh_token'],
  regular_web: ['implicit', 'authorization_code', 'refresh_token', 'client_credentials'],
  non_interactive: ['client_credentials'],
};

/** RFC 7591 §2: a registration that names no grant gets authorization_code. */
export const DYNAMIC_REGISTRATION_DEFAULT_GRANT_TYPES: readonly GrantType[] = ['authorization_code'];

export interface GrantContext {
  readonly app_type: AppType;
  readonly token_endpoint_auth_method: TokenEndpointAuthMethod;
  readonly is_first_party: boolean;
  readonly third_party_security_mode?: 'strict' | 'permissive';
  readonly origin: ApplicationOrigin;
}

export const isGrantType = (value: string): value is GrantType => (GRANT_TYPES as readonly string[]).includes(value);

/** Why one known grant is refused for this application, as Auth0's message, or null when allowed. */
export const grantRefusal = (grant: GrantType, app: GrantContext): string | null => {
  const rule = GRANT_TYPE_RULES[grant];
  const invalid = `Invalid grant types: ${grant}`;
  const isPublic = app.token_endpoint_auth_method === 'none';
  if (!isPublic && !rule.confidential) return rule.confidentialMessage ?? invalid;
  if (isPublic && !rule.public) return invalid;
  if (rule.appTypes && !rule.appTypes.includes(app.app_type)) return invalid;
  if (rule.firstPartyOnly && !app.is_first_party) return invalid;
  if (!app.is_first_party) {
    const allowed =
      (app.third_party_security_mode ?? 'strict') === 'strict' ? rule.thirdPartyStrict : rule.thirdPartyPermissive;
    if (!allowed) return invalid;
  }
  if (app.origin === 'dynamic_registration' && !rule.dynamicRegistration) return invalid;
  return null;
};

/**
 * Messages for a whole grant_types list: unknown identifiers first (one Auth0 message naming them all), then each
 * refused grant.
 */
export const grantTypeProblems = (grants: readonly string[], app: GrantContext): string[] => {
  const unknown = grants.filter((grant) => !isGrantType(grant));
  if (unknown.length > 0) return [`Invalid grant types: ${unknown.join(', ')}`];
  return grants.flatMap((grant) => grantRefusal(grant as GrantType, app) ?? []);
};

/** Auth0's defaults for this kind of application, minus whatever the matrix refuses for it. */
export const defaultGrantTypes = (app: GrantContext): GrantType[] => {
  const base =
    app.origin === 'dynamic_registration'
      ? DYNAMIC_REGISTRATION_DEFAULT_GRANT_TYPES
      : DEFAULT_GRANT_TYPES[app.app_type];
  return base.filter((grant) => grantRefusal(grant, app) === null);
};
