import type { DomainEvent } from '../decider';
import type { RegistrationExtras } from '../registration/client-metadata.rules';

export const APP_TYPES = ['regular_web', 'spa', 'native', 'non_interactive'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** Every identifier Auth0 accepts in `grant_types` for a new tenant (auth0-domain.md §4.1, legacy grants excluded). */
export const GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code',
  'http://auth0.com/oauth/grant-type/passwordless/otp',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:openid:params:grant-type:ciba',
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export const JWT_ALGS = ['HS256', 'RS256', 'RS512', 'PS256'] as const;
export type JwtAlg = (typeof JWT_ALGS)[number];

export type JwtConfiguration = {
  lifetime_in_seconds: number;
  alg: JwtAlg;
  secret_encoded: boolean;
};

export type RefreshTokenSettings = {
  rotation_type: 'rotating' | 'non-rotating';
  expiration_type: 'expiring' | 'non-expiring';
  leeway: number;
  token_lifetime: number;
  infinite_token_lifetime: boolean;
  idle_token_lifetime: number;
  infinite_idle_token_lifetime: boolean;
};

export type OrganizationUsage = 'deny' | 'allow' | 'require';
export type OrganizationRequireBehavior = 'no_prompt' | 'pre_login_prompt' | 'post_login_prompt';
export type ThirdPartySecurityMode = 'strict' | 'permissive';

/**
 * Every writable Auth0 client field after defaults were applied (Auth0 names). Optional fields are absent until
 * set; everything else always has a value.
 */
export type ClientSettings = {
  name: string;
  description?: string;
  app_type: AppType;
  is_first_party: boolean;
  oidc_conformant: boolean;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: GrantType[];
  callbacks: string[];
  allowed_origins: string[];
  web_origins: string[];
  allowed_logout_urls: string[];
  allowed_clients: string[];
  client_aliases: string[];
  initiate_login_uri?: string;
  logo_uri?: string;
  client_metadata: Record<string, string>;
  jwt_configuration: JwtConfiguration;
  refresh_token: RefreshTokenSettings;
  sso: boolean;
  sso_disabled: boolean;
  cross_origin_authentication: boolean;
  custom_login_page_on: boolean;
  is_token_endpoint_ip_header_trusted: boolean;
  organization_usage: OrganizationUsage;
  organization_require_behavior: OrganizationRequireBehavior;
  /** Only for third-party applications; write-once. */
  third_party_security_mode?: ThirdPartySecurityMode;
  require_pushed_authorization_requests: boolean;
};

export type ApplicationOrigin = 'management_api' | 'dynamic_registration' | 'bootstrap';

/** What a Dynamic Client Registration adds to an application: the RFC 7591 extras and its access token's hash. */
export type ClientRegistration = {
  /** RFC 7591 metadata with no place in the Auth0 settings (response_types, client_uri, contacts, ...). */
  metadata: RegistrationExtras;
  /** Keyed hash of the registration access token (RFC 7592); the token itself is returned once and never stored. */
  access_token_hash: string;
};

export type ApplicationRegistered = DomainEvent<
  'ApplicationRegistered',
  {
    tenant: string;
    client_id: string;
    at: string;
    origin: ApplicationOrigin;
    settings: ClientSettings;
    /** Keyed hash of the secret; null for public applications. */
    secret_hash: string | null;
    /** Connection ids. */
    enabled_connections: string[];
    /** Present when origin is dynamic_registration. */
    registration?: ClientRegistration;
  }
>;

export type ApplicationSettingsChanged = DomainEvent<
  'ApplicationSettingsChanged',
  {
    tenant: string;
    client_id: string;
    at: string;
    /**
     * Only the fields that changed; client_metadata carried as the full merged object when it changed; an optional
     * field that was removed (an RFC 7592 PUT leaving out logo_uri) is carried as null.
     */
    changes: { [K in keyof ClientSettings]?: ClientSettings[K] | null };
  }
>;

export type SecretRotated = DomainEvent<
  'SecretRotated',
  {
    tenant: string;
    client_id: string;
    at: string;
    secret_hash: string;
    previous_secret_hash: string | null;
    /** null = the old secret is revoked at once (Auth0's default). */
    previous_secret_valid_until: string | null;
  }
>;

export type ConnectionsChanged = DomainEvent<
  'ConnectionsChanged',
  {
    tenant: string;
    client_id: string;
    at: string;
    enabled_connections: string[];
    added: string[];
    removed: string[];
  }
>;

/** An RFC 7592 PUT replaced the registration's extras and rotated its access token. */
export type RegistrationChanged = DomainEvent<
  'RegistrationChanged',
  { tenant: string; client_id: string; at: string } & ClientRegistration
>;

export type ApplicationRemoved = DomainEvent<'ApplicationRemoved', { tenant: string; client_id: string; at: string }>;

export type ApplicationEvent =
  | ApplicationRegistered
  | ApplicationSettingsChanged
  | SecretRotated
  | ConnectionsChanged
  | RegistrationChanged
  | ApplicationRemoved;

export const APPLICATION_EVENT_TYPES = [
  'ApplicationRegistered',
  'ApplicationSettingsChanged',
  'SecretRotated',
  'ConnectionsChanged',
  'RegistrationChanged',
  'ApplicationRemoved',
] as const;
export type ApplicationEventType = (typeof APPLICATION_EVENT_TYPES)[number];
