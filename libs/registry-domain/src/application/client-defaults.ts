import type {
  AppType,
  ApplicationOrigin,
  ClientSettings,
  JwtConfiguration,
  RefreshTokenSettings,
  ThirdPartySecurityMode,
  TokenEndpointAuthMethod,
} from './application.events';
import { defaultGrantTypes } from './grant-types.rules';

/** Auth0's token endpoint auth method per app type when none is given (§1.4): public for browser and device apps. */
export const DEFAULT_TOKEN_ENDPOINT_AUTH_METHOD: Readonly<Record<AppType, TokenEndpointAuthMethod>> = {
  spa: 'none',
  native: 'none',
  regular_web: 'client_secret_post',
  non_interactive: 'client_secret_post',
};

/** An application created without app_type is treated as confidential (Auth0 PR #3907): a regular web app. */
export const DEFAULT_APP_TYPE: AppType = 'regular_web';

/** Observed on a new Auth0 application (dashboard "ID Token Expiration" 10 h). */
const JWT_CONFIGURATION: JwtConfiguration = { lifetime_in_seconds: 36000, alg: 'RS256', secret_encoded: false };
/** Strict third-party: 1 h ID tokens, RS256 only (auth0-domain.md §5). */
const STRICT_THIRD_PARTY_JWT_CONFIGURATION: JwtConfiguration = { ...JWT_CONFIGURATION, lifetime_in_seconds: 3600 };

/** Observed on a new Auth0 application. */
const REFRESH_TOKEN: RefreshTokenSettings = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 31557600,
  infinite_token_lifetime: true,
  idle_token_lifetime: 2592000,
  infinite_idle_token_lifetime: true,
};

/** Strict third-party refresh tokens must expire; rotation is on by default for SPA and native apps. */
const strictThirdPartyRefreshToken = (appType: AppType): RefreshTokenSettings => ({
  rotation_type: appType === 'spa' || appType === 'native' ? 'rotating' : 'non-rotating',
  expiration_type: 'expiring',
  leeway: 0,
  token_lifetime: 2592000,
  infinite_token_lifetime: false,
  idle_token_lifetime: 1296000,
  infinite_idle_token_lifetime: false,
});

export interface ClientIdentity {
  readonly name: string;
  readonly app_type: AppType;
  readonly token_endpoint_auth_method: TokenEndpointAuthMethod;
  readonly is_first_party: boolean;
  readonly third_party_security_mode?: ThirdPartySecurityMode;
  readonly origin: ApplicationOrigin;
}

export const isStrictThirdParty = (
  app: Pick<ClientSettings, 'is_first_party' | 'third_party_security_mode'>,
): boolean => !app.is_first_party && (app.third_party_security_mode ?? 'strict') === 'strict';

/** Every writable field of a new application of this kind, as Auth0 fills it in. */
export const defaultClientSettings = (app: ClientIdentity): ClientSettings => {
  const strict = isStrictThirdParty(app);
  return {
    name: app.name,
    app_type: app.app_type,
    is_first_party: app.is_first_party,
    oidc_conformant: true,
    token_endpoint_auth_method: app.token_endpoint_auth_method,
    grant_types: defaultGrantTypes(app),
    callbacks: [],
    allowed_origins: [],
    web_origins: [],
    allowed_logout_urls: [],
    allowed_clients: [],
    client_aliases: [],
    client_metadata: {},
    jwt_configuration: strict ? STRICT_THIRD_PARTY_JWT_CONFIGURATION : JWT_CONFIGURATION,
    refresh_token: strict ? strictThirdPartyRefreshToken(app.app_type) : REFRESH_TOKEN,
    sso: false,
    sso_disabled: false,
    cross_origin_authentication: false,
    custom_login_page_on: true,
    is_token_endpoint_ip_header_trusted: false,
    organization_usage: 'deny',
    organization_require_behavior: 'no_prompt',
    ...(app.third_party_security_mode ? { third_party_security_mode: app.third_party_security_mode } : {}),
    require_pushed_authorization_requests: false,
  };
};
