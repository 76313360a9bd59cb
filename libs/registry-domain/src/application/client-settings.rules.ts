import {
  checkFields,
  scopesRequiredFor,
  type FieldSpec,
  type FieldTable,
  type StringRule,
  type UrlKind,
} from '../shared/field-rules';
import { mergeByTable } from '../shared/merge';
import { checkUrlFields, type UrlPolicy } from '../shared/url-rules';
import { jsonEqual } from '../shared/values';
import { payloadViolation, plainViolation, type Violation } from '../shared/violations';
import {
  APP_TYPES,
  GRANT_TYPES,
  JWT_ALGS,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type ApplicationOrigin,
  type AppType,
  type ClientSettings,
  type JwtConfiguration,
  type RefreshTokenSettings,
  type ThirdPartySecurityMode,
  type TokenEndpointAuthMethod,
} from './application.events';
import {
  DEFAULT_APP_TYPE,
  DEFAULT_TOKEN_ENDPOINT_AUTH_METHOD,
  defaultClientSettings,
  isStrictThirdParty,
} from './client-defaults';
import { grantTypeProblems } from './grant-types.rules';

// ---------------------------------------------------------------------------------------------------------------
// Field rules (auth0-domain.md §1.1, §1.2). Limits Auth0 does not document are chosen to bound input size and
// marked "(Roster)".
// ---------------------------------------------------------------------------------------------------------------

/** 2,048 characters per URL (Roster): long enough for real redirect URIs, refuses the 2,049+ probe of §6.4. */
const URL_STRING: StringRule = { type: 'string', maxLength: 2048 };
/** Lists of URLs: unique entries; Auth0 documents max 100 web_origins, the others share the cap (Roster). */
const urlList = (url: UrlKind, maxItems = 100): FieldSpec => ({
  rule: { type: 'array', items: URL_STRING, maxItems, uniqueItems: true },
  url,
});
const boolean: FieldSpec = { rule: { type: 'boolean' } };
const readOnly: FieldSpec = { access: 'read-only' };
const seconds = (minimum: number, maximum: number): FieldSpec => ({ rule: { type: 'integer', minimum, maximum } });
const oneOf = (values: readonly string[]): FieldSpec => ({ rule: { type: 'enum', values } });

/** Auth0's metadata key characters (tab left out: no control characters anywhere in Roster). */
const METADATA_KEY: StringRule = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: { regex: /^[A-Za-z0-9:,\-+=_*?"/\\()<>@ ]+$/, text: '^[A-Za-z0-9:,-+=_*?"/\\()<>@ ]+$' },
};

export const JWT_CONFIGURATION_RULES: FieldTable = {
  lifetime_in_seconds: seconds(1, 2592000),
  alg: oneOf(JWT_ALGS),
  secret_encoded: boolean,
};

export const REFRESH_TOKEN_RULES: FieldTable = {
  rotation_type: oneOf(['rotating', 'non-rotating']),
  expiration_type: oneOf(['expiring', 'non-expiring']),
  leeway: seconds(0, 86400),
  token_lifetime: seconds(1, 31557600),
  infinite_token_lifetime: boolean,
  idle_token_lifetime: seconds(1, 31557600),
  infinite_idle_token_lifetime: boolean,
};

/** Every property a client body may carry, and how it is checked. Anything else is refused. */
export const CLIENT_FIELD_RULES: FieldTable = {
  name: {
    requiredOnCreate: true,
    rule: { type: 'string', minLength: 1, maxLength: 255, pattern: { regex: /^[^<>]+$/, text: '^[^<>]+$' } },
  },
  description: { rule: { type: 'string', maxLength: 140 } },
  app_type: oneOf(APP_TYPES),
  is_first_party: { ...boolean, access: 'create-only' },
  oidc_conformant: boolean,
  token_endpoint_auth_method: oneOf(TOKEN_ENDPOINT_AUTH_METHODS),
  grant_types: {
    rule: { type: 'array', items: { type: 'string', maxLength: 128 }, maxItems: GRANT_TYPES.length, uniqueItems: true },
  },
  callbacks: urlList('callback'),
  allowed_origins: urlList('origin'),
  web_origins: urlList('origin', 100),
  allowed_logout_urls: urlList('logout'),
  allowed_clients: {
    rule: {
      type: 'array',
      items: {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        pattern: { regex: /^[A-Za-z0-9_-]+$/, text: '^[A-Za-z0-9_-]+$' },
      },
      maxItems: 100,
      uniqueItems: true,
    },
  },
  client_aliases: {
    rule: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 255 }, maxItems: 100, uniqueItems: true },
  },
  initiate_login_uri: { rule: URL_STRING, url: 'initiate_login' },
  logo_uri: { rule: URL_STRING, url: 'logo' },
  client_metadata: {
    rule: {
      type: 'string-map',
      maxProperties: 10,
      key: METADATA_KEY,
      value: { type: 'string', maxLength: 255 },
      mergeOnUpdate: true,
    },
  },
  jwt_configuration: { rule: { type: 'object', fields: JWT_CONFIGURATION_RULES } },
  refresh_token: { rule: { type: 'object', fields: REFRESH_TOKEN_RULES } },
  sso: boolean,
  sso_disabled: boolean,
  cross_origin_authentication: boolean,
  custom_login_page_on: boolean,
  is_token_endpoint_ip_header_trusted: boolean,
  organization_usage: oneOf(['deny', 'allow', 'require']),
  organization_require_behavior: oneOf(['no_prompt', 'pre_login_prompt', 'post_login_prompt']),
  third_party_security_mode: { ...oneOf(['strict', 'permissive']), access: 'create-only' },
  require_pushed_authorization_requests: boolean,
  // Read-only: server-made or not Auth0 client fields. Roster always generates the secret (≥ 256 bits, stored only
  // as a keyed hash), so a caller-chosen client_secret is refused even with update:client_keys; use rotate-secret.
  client_id: readOnly,
  tenant: readOnly,
  global: readOnly,
  signing_keys: readOnly,
  client_secret: { ...readOnly, requiresScope: 'update:client_keys' },
  encryption_key: { ...readOnly, requiresScope: 'update:client_keys' },
  callback_url_template: readOnly,
  created_at: readOnly,
  updated_at: readOnly,
};

/** Auth0's CIMD fields (`external_*`) are never client-writable. */
export const CLIENT_READ_ONLY_PREFIXES = ['external_'] as const;

/** Properties a strict third-party application may configure (auth0-domain.md §5); all others keep their defaults. */
export const STRICT_THIRD_PARTY_FIELDS: readonly (keyof ClientSettings)[] = [
  'name',
  'description',
  'logo_uri',
  'callbacks',
  'allowed_origins',
  'web_origins',
  'grant_types',
  'token_endpoint_auth_method',
  'app_type',
  'client_metadata',
  'jwt_configuration',
  'refresh_token',
  'is_first_party',
  'third_party_security_mode',
];

/** URL policy per kind of URL field, for this application (see shared/url-rules.ts for the general decisions). */
export const clientUrlPolicy = (kind: string, app: Pick<ClientSettings, 'app_type' | 'is_first_party'>): UrlPolicy => {
  switch (kind) {
    case 'callback':
    case 'logout':
    case 'origin':
      // Native apps receive callbacks on private-use schemes (RFC 8252 §7.1) and Auth0's native quickstarts use
      // the same scheme for logout URLs and `capacitor://localhost`-style origins; nobody else may.
      return {
        web: 'web',
        customScheme: app.app_type === 'native',
        wildcard: app.is_first_party,
        wildcardRefusal: 'for third-party applications',
      };
    case 'initiate_login':
      return { web: 'https', customScheme: false, wildcard: false, allowEmpty: true };
    default:
      // logo_uri: shown, never fetched by Roster, so plain http is tolerated.
      return { web: 'any-http', customScheme: false, wildcard: false };
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Cross-field rules: checked on the complete settings (after defaults on create, after the merge on update).
// ---------------------------------------------------------------------------------------------------------------

export interface ClientRuleContext {
  readonly origin: ApplicationOrigin;
}

export interface ClientCrossFieldRule {
  readonly id: string;
  readonly description: string;
  readonly check: (settings: ClientSettings, context: ClientRuleContext) => Violation[];
}

const when = (condition: boolean, violation: () => Violation): Violation[] => (condition ? [violation()] : []);

export const CLIENT_CROSS_FIELD_RULES: readonly ClientCrossFieldRule[] = [
  {
    id: 'spa-is-public',
    description: 'A single-page application runs in the browser and cannot keep a secret.',
    check: (s) =>
      when(s.app_type === 'spa' && s.token_endpoint_auth_method !== 'none', () =>
        payloadViolation(
          'token_endpoint_auth_method',
          'Single-page applications must use token_endpoint_auth_method none',
        ),
      ),
  },
  {
    id: 'grant-types',
    description: 'Grant types follow the matrix of app type, auth method, ownership and origin (grant-types.rules.ts).',
    check: (s, { origin }) =>
      grantTypeProblems(s.grant_types, { ...s, origin }).map((m) => plainViolation('grant_types', m)),
  },
  {
    id: 'urls',
    description: 'Every URL field follows the URL policy for its kind and this application.',
    check: (s) => checkUrlFields(s, CLIENT_FIELD_RULES, (kind) => clientUrlPolicy(kind, s)),
  },
  {
    id: 'security-mode-only-for-third-party',
    description: 'third_party_security_mode exists only on third-party applications.',
    check: (s) =>
      when(s.is_first_party && s.third_party_security_mode !== undefined, () =>
        payloadViolation('third_party_security_mode', 'Only third-party applications have a security mode'),
      ),
  },
  {
    id: 'dynamic-registration-is-third-party',
    description: 'Every dynamically registered application is third-party.',
    check: (s, { origin }) =>
      when(origin === 'dynamic_registration' && s.is_first_party, () =>
        payloadViolation('is_first_party', 'Dynamically registered applications are third-party'),
      ),
  },
  {
    id: 'strict-third-party-curated',
    description:
      'A strict third-party application configures only curated properties, RS256 and expiring refresh tokens.',
    check: (s, { origin }) => {
      if (!isStrictThirdParty(s)) return [];
      const defaults = defaultClientSettings({ ...s, origin });
      const fixed = (Object.keys(CLIENT_FIELD_RULES) as (keyof ClientSettings)[]).filter(
        (key) => !STRICT_THIRD_PARTY_FIELDS.includes(key) && CLIENT_FIELD_RULES[key].access !== 'read-only',
      );
      return [
        ...fixed.flatMap((key) =>
          when(!jsonEqual(s[key], defaults[key]), () =>
            payloadViolation(key, 'Property cannot be configured for third-party applications in strict mode'),
          ),
        ),
        ...when(s.jwt_configuration.alg !== 'RS256', () =>
          payloadViolation('jwt_configuration.alg', 'Third-party applications in strict mode must use RS256'),
        ),
        ...when(
          s.refresh_token.expiration_type !== 'expiring' ||
            s.refresh_token.infinite_token_lifetime ||
            s.refresh_token.infinite_idle_token_lifetime,
          () =>
            payloadViolation('refresh_token', 'Refresh tokens of third-party applications in strict mode must expire'),
        ),
      ];
    },
  },
  {
    id: 'public-asymmetric-id-tokens',
    description: 'A public application has no secret to verify HS256 ID tokens with.',
    check: (s) =>
      when(s.token_endpoint_auth_method === 'none' && s.jwt_configuration.alg === 'HS256', () =>
        payloadViolation('jwt_configuration.alg', 'Public applications must use an asymmetric signing algorithm'),
      ),
  },
  {
    id: 'post-login-prompt-needs-oidc',
    description: 'organization_require_behavior post_login_prompt requires oidc_conformant.',
    check: (s) =>
      when(s.organization_require_behavior === 'post_login_prompt' && !s.oidc_conformant, () =>
        payloadViolation('organization_require_behavior', 'post_login_prompt requires oidc_conformant to be true'),
      ),
  },
  {
    id: 'client-metadata-size',
    description: 'At most 10 metadata keys after merging.',
    check: (s) => {
      const count = Object.keys(s.client_metadata).length;
      return when(count > 10, () =>
        payloadViolation('client_metadata', `Too many properties defined (${count}), maximum 10`),
      );
    },
  },
  {
    id: 'refresh-token-idle-within-absolute',
    description: 'A finite idle lifetime cannot exceed a finite absolute lifetime.',
    check: ({ refresh_token: r }) =>
      when(
        !r.infinite_token_lifetime && !r.infinite_idle_token_lifetime && r.idle_token_lifetime > r.token_lifetime,
        () => payloadViolation('refresh_token.idle_token_lifetime', 'Value must not exceed token_lifetime'),
      ),
  },
];

/** Runs every cross-field rule on complete settings. */
export const checkClientSettings = (settings: ClientSettings, context: ClientRuleContext): Violation[] =>
  CLIENT_CROSS_FIELD_RULES.flatMap((rule) => rule.check(settings, context));

// ---------------------------------------------------------------------------------------------------------------
// Evaluation: shape pass, then defaults (create) or merge (update), then the cross-field pass on the whole.
// ---------------------------------------------------------------------------------------------------------------

/** A client body after the shape pass: known fields with the right JSON types. */
export type ClientSettingsInput = Partial<
  Omit<ClientSettings, 'client_metadata' | 'jwt_configuration' | 'refresh_token'>
> & {
  client_metadata?: Record<string, string | null>;
  jwt_configuration?: Partial<JwtConfiguration>;
  refresh_token?: Partial<RefreshTokenSettings>;
};

export interface ClientSettingsContext {
  readonly origin: ApplicationOrigin;
  /** The application's settings for an update (PATCH); absent for a create. */
  readonly current?: ClientSettings;
}

export type ClientSettingsEvaluation =
  { readonly ok: true; readonly settings: ClientSettings } | { readonly ok: false; readonly violations: Violation[] };

/** PATCH semantics from the table: client_metadata merges (null deletes a key), nested objects merge, arrays replace. */
export const mergeClientSettings = (current: ClientSettings, input: ClientSettingsInput): ClientSettings =>
  mergeByTable(current, input, CLIENT_FIELD_RULES);

const applyDefaults = (input: ClientSettingsInput, origin: ApplicationOrigin): ClientSettings => {
  const app_type: AppType = input.app_type ?? DEFAULT_APP_TYPE;
  const is_first_party = input.is_first_party ?? origin !== 'dynamic_registration';
  const third_party_security_mode: ThirdPartySecurityMode | undefined =
    input.third_party_security_mode ?? (is_first_party ? undefined : 'strict');
  const token_endpoint_auth_method: TokenEndpointAuthMethod =
    input.token_endpoint_auth_method ?? DEFAULT_TOKEN_ENDPOINT_AUTH_METHOD[app_type];
  const defaults = defaultClientSettings({
    name: input.name ?? '',
    app_type,
    is_first_party,
    third_party_security_mode,
    token_endpoint_auth_method,
    origin,
  });
  return mergeClientSettings(defaults, third_party_security_mode ? { ...input, third_party_security_mode } : input);
};

/**
 * The one entry point for client settings: checks a raw JSON body (POST when `context.current` is absent, PATCH
 * otherwise) and returns either the complete resulting settings or every violation found.
 */
export const evaluateClientSettings = (input: unknown, context: ClientSettingsContext): ClientSettingsEvaluation => {
  const { current, origin } = context;
  const shape = checkFields(input, CLIENT_FIELD_RULES, {
    mode: current ? 'update' : 'create',
    current,
    readOnlyPrefixes: CLIENT_READ_ONLY_PREFIXES,
  });
  if (shape.length > 0) return { ok: false, violations: shape };
  const typed = input as ClientSettingsInput;
  const settings = current ? mergeClientSettings(current, typed) : applyDefaults(typed, origin);
  const violations = checkClientSettings(settings, { origin });
  return violations.length > 0 ? { ok: false, violations } : { ok: true, settings };
};

/** Every violation of a client body (empty when valid). */
export const clientSettingsViolations = (input: unknown, context: ClientSettingsContext): Violation[] => {
  const result = evaluateClientSettings(input, context);
  return result.ok ? [] : result.violations;
};

/** Extra token scopes the fields of this body need (e.g. `update:client_keys` for client_secret). */
export const clientScopesRequiredFor = (input: unknown): string[] => scopesRequiredFor(input, CLIENT_FIELD_RULES);

export const isPublicClient = (settings: Pick<ClientSettings, 'token_endpoint_auth_method'>): boolean =>
  settings.token_endpoint_auth_method === 'none';
