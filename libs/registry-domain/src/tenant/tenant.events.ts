import type { DomainEvent } from '../decider';

/** Feature switches of a tenant (Auth0 `flags`). Carried whole in TenantSettingsChanged when any flag changed. */
export type TenantFlags = {
  /** Auth0 default: false. Open Dynamic Client Registration (POST /oidc/register). */
  enable_dynamic_client_registration: boolean;
  /** Auth0 `enable_client_connections`: new applications get every tenant connection enabled (default true). */
  enable_client_connections: boolean;
};

/** Auth0 tenant settings subset (names as in Auth0's `PATCH /api/v2/tenants/settings`). */
export type TenantSettings = {
  friendly_name?: string;
  picture_url?: string;
  support_email?: string;
  support_url?: string;
  default_audience?: string;
  default_directory?: string;
  default_redirection_uri?: string;
  allowed_logout_urls?: string[];
  enabled_locales?: string[];
  /** Hours a login session lives (Auth0 default 168 = 7 days). */
  session_lifetime?: number;
  /** Hours of inactivity after which a session ends (Auth0 default 72). */
  idle_session_lifetime?: number;
  /** Days the Logs API keeps log events (default 30). */
  log_retention_days?: number;
  /** Auth0: the third-party security mode of dynamically registered applications (absent = strict). */
  dynamic_client_registration_security_mode?: 'strict' | 'permissive';
  /** Roster's own (Keycloak's policy): registration only with an initial access token an administrator issued. */
  dynamic_client_registration?: { require_initial_access_token: boolean };
  flags: TenantFlags;
};

/** Public half of an ES256 signing key as a JWK. */
export type PublicSigningJwk = {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
};

export type TenantCreated = DomainEvent<'TenantCreated', { tenant: string; at: string; settings: TenantSettings }>;

export type TenantSettingsChanged = DomainEvent<
  'TenantSettingsChanged',
  { tenant: string; at: string; changes: Partial<TenantSettings> }
>;

export type SigningKeyRotated = DomainEvent<
  'SigningKeyRotated',
  {
    tenant: string;
    at: string;
    kid: string;
    alg: 'ES256';
    public_jwk: PublicSigningJwk;
    /** AES-GCM sealed by the security lib; never plaintext. */
    sealed_private_key: string;
    previous_kid: string | null;
    previous_key_valid_until: string | null;
  }
>;

export type TenantEvent = TenantCreated | TenantSettingsChanged | SigningKeyRotated;

export const TENANT_EVENT_TYPES = ['TenantCreated', 'TenantSettingsChanged', 'SigningKeyRotated'] as const;
export type TenantEventType = (typeof TENANT_EVENT_TYPES)[number];
