import type {
  AppType,
  ClientSettings,
  GrantType,
  ThirdPartySecurityMode,
  TokenEndpointAuthMethod,
} from '../application/application.events';
import { evaluateClientSettings } from '../application/client-settings.rules';
import { checkValue, type FieldRule, type StringRule } from '../shared/field-rules';
import { urlProblem, type UrlPolicy } from '../shared/url-rules';
import { isPlainObject } from '../shared/values';
import { quote, type Violation } from '../shared/violations';

/**
 * RFC 7591 / OpenID Connect DCR 1.0 client metadata, checked as a certified provider does (node-oidc-provider's
 * rules, reference/auth0-domain.md §6.5) and turned into Auth0 client settings of a third-party application.
 * Rules are data; the first one broken is the answer, as one RFC 7591 §3.2.2 error with a one-sentence description.
 */

export const REGISTRATION_ERROR_CODES = [
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'unapproved_software_statement',
] as const;
export type RegistrationErrorCode = (typeof REGISTRATION_ERROR_CODES)[number];

export interface RegistrationProblem {
  readonly error: RegistrationErrorCode;
  readonly error_description: string;
}

export const APPLICATION_TYPES = ['web', 'native'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** The grants a registrant may ask for; implicit only where the tenant's security mode is permissive. */
export const REGISTRABLE_GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
] as const;
export const REGISTRABLE_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export const RESPONSE_TYPES = [
  'code',
  'token',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
  'none',
] as const;

/** RFC 7591 metadata that Auth0's client settings have no place for; kept with the registration, never trusted. */
export type RegistrationExtras = {
  response_types: string[];
  client_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  contacts?: string[];
  scope?: string;
  software_id?: string;
  software_version?: string;
};

/** What the server issues and the client may never set (RFC 7591 §3.2.1, RFC 7592 §2.2). */
const SERVER_ISSUED = [
  'client_secret_expires_at',
  'client_id_issued_at',
  'registration_access_token',
  'registration_client_uri',
] as const;

const TEXT: StringRule = { type: 'string', minLength: 1, maxLength: 255 };
const URI: StringRule = { type: 'string', minLength: 1, maxLength: 2048 };
const uriList = (maxItems: number): FieldRule => ({ type: 'array', items: URI, maxItems, uniqueItems: true });
const enumList = (values: readonly string[]): FieldRule => ({
  type: 'array',
  items: { type: 'enum', values },
  maxItems: values.length,
  uniqueItems: true,
});

/** Shape of every metadata field Roster keeps. Fields not listed here are ignored (RFC 7591 §2), never stored. */
export const CLIENT_METADATA_RULES: Readonly<Record<string, FieldRule>> = {
  client_name: { ...TEXT, pattern: { regex: /^[^<>]+$/, text: 'no < or >' } },
  application_type: { type: 'enum', values: APPLICATION_TYPES },
  redirect_uris: uriList(100),
  post_logout_redirect_uris: uriList(100),
  grant_types: enumList(REGISTRABLE_GRANT_TYPES),
  response_types: enumList(RESPONSE_TYPES),
  token_endpoint_auth_method: { type: 'enum', values: REGISTRABLE_AUTH_METHODS },
  logo_uri: URI,
  client_uri: URI,
  policy_uri: URI,
  tos_uri: URI,
  contacts: {
    type: 'array',
    items: { type: 'string', maxLength: 254, pattern: { regex: /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, text: 'email' } },
    maxItems: 10,
    uniqueItems: true,
  },
  // RFC 6749 §3.3 scope tokens, space separated.
  scope: {
    type: 'string',
    maxLength: 1000,
    pattern: { regex: /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, text: 'RFC 6749 scope' },
  },
  software_id: TEXT,
  software_version: TEXT,
};

const WEB_PAGE_FIELDS = ['logo_uri', 'client_uri', 'policy_uri', 'tos_uri'] as const;

/** The metadata after the shape pass, with every default applied. */
export interface ClientMetadata extends RegistrationExtras {
  client_name?: string;
  application_type: ApplicationType;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  logo_uri?: string;
}

export interface RegistrationContext {
  /** `register`: RFC 7591 POST; `replace`: RFC 7592 PUT of the registration of `client_id`. */
  readonly mode: 'register' | 'replace';
  readonly client_id: string;
  /** The tenant's `dynamic_client_registration_security_mode` (Auth0; default strict). */
  readonly security_mode: ThirdPartySecurityMode;
  /** The application's settings, for `replace`. */
  readonly current?: ClientSettings;
}

export type RegistrationEvaluation =
  | {
      readonly ok: true;
      readonly metadata: ClientMetadata;
      /** The Auth0 client body the application is registered (or replaced) with. */
      readonly settings: Record<string, unknown>;
      readonly extras: RegistrationExtras;
    }
  | { readonly ok: false; readonly problem: RegistrationProblem };

const problem = (error: RegistrationErrorCode, description: string): RegistrationProblem => ({
  error,
  error_description: description,
});
const invalidMetadata = (description: string): RegistrationProblem => problem('invalid_client_metadata', description);
const invalidRedirect = (description: string): RegistrationProblem => problem('invalid_redirect_uri', description);

// ---------------------------------------------------------------------------------------------------------------
// Defaults: RFC 7591 §2 (auth method client_secret_basic, grant authorization_code, response code), OIDC DCR
// (application_type web), and grants derived from response types and back when only one list is given.
// ---------------------------------------------------------------------------------------------------------------

const grantsOfResponse = (responseType: string): string[] => {
  const parts = responseType.split(' ');
  return [
    ...(parts.includes('code') ? ['authorization_code'] : []),
    ...(parts.includes('token') || parts.includes('id_token') ? ['implicit'] : []),
  ];
};

const responsesOfGrants = (grants: readonly string[]): string[] => [
  ...(grants.includes('authorization_code') ? ['code'] : []),
  ...(grants.includes('implicit') ? ['token'] : []),
];

const withDefaults = (input: Record<string, unknown>): ClientMetadata => {
  const given = <T>(key: string): T | undefined => input[key] as T | undefined;
  const responseTypes = given<string[]>('response_types');
  const grantTypes =
    given<string[]>('grant_types') ??
    (responseTypes ? [...new Set(responseTypes.flatMap(grantsOfResponse))] : ['authorization_code']);
  const kept = Object.fromEntries(
    Object.keys(CLIENT_METADATA_RULES)
      .filter((key) => input[key] !== undefined)
      .map((key) => [key, input[key]]),
  );
  return {
    ...kept,
    application_type: given<ApplicationType>('application_type') ?? 'web',
    redirect_uris: given<string[]>('redirect_uris') ?? [],
    post_logout_redirect_uris: given<string[]>('post_logout_redirect_uris') ?? [],
    grant_types: grantTypes,
    response_types: responseTypes ?? responsesOfGrants(grantTypes),
    token_endpoint_auth_method: given<TokenEndpointAuthMethod>('token_endpoint_auth_method') ?? 'client_secret_basic',
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Redirect URIs per application type (OIDC DCR 1.0 §2, RFC 8252 §7): the shared URL rules (no fragment, no
// credentials, no dangerous scheme, http only on loopback) plus the web/native specifics.
// ---------------------------------------------------------------------------------------------------------------

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

const redirectPolicy = (type: ApplicationType): UrlPolicy => ({
  web: 'web',
  customScheme: type === 'native',
  wildcard: false,
  wildcardRefusal: 'in registered redirect URIs (they are matched exactly)',
});

/** Why one redirect URI is refused for this client, or null. */
export const redirectUriProblem = (uri: string, metadata: Pick<ClientMetadata, 'application_type' | 'grant_types'>) => {
  const shared = urlProblem(uri, redirectPolicy(metadata.application_type));
  if (shared) return shared;
  const url = new URL(uri);
  const loopback = LOOPBACK.test(url.hostname);
  if (metadata.application_type === 'web' && metadata.grant_types.includes('implicit')) {
    if (url.protocol !== 'https:') return 'Web clients using the implicit grant must use https redirect URIs';
    if (loopback) return 'Web clients using the implicit grant must not use loopback redirect URIs';
  }
  if (metadata.application_type === 'web' && !['http:', 'https:'].includes(url.protocol))
    return 'Web clients must use http or https redirect URIs';
  if (metadata.application_type === 'native' && url.protocol === 'https:' && loopback)
    return 'Native clients must use http, not https, on loopback redirect URIs';
  return null;
};

// ---------------------------------------------------------------------------------------------------------------
// The rules, in the order they are checked.
// ---------------------------------------------------------------------------------------------------------------

interface MetadataRule {
  readonly id: string;
  readonly check: (metadata: ClientMetadata, context: RegistrationContext) => RegistrationProblem | null;
}

const firstOf = <T>(items: readonly T[], find: (item: T, index: number) => RegistrationProblem | null) => {
  for (const [index, item] of items.entries()) {
    const found = find(item, index);
    if (found) return found;
  }
  return null;
};

const REDIRECT_GRANTS = ['authorization_code', 'implicit'];

export const CLIENT_METADATA_CROSS_RULES: readonly MetadataRule[] = [
  {
    id: 'grants-not-empty',
    check: (m) =>
      m.grant_types.length === 0 ? invalidMetadata('grant_types must name at least one grant type') : null,
  },
  {
    id: 'implicit-needs-permissive-mode',
    check: (m, { security_mode }) =>
      m.grant_types.includes('implicit') && security_mode === 'strict'
        ? invalidMetadata('The implicit grant is not allowed for third-party applications in strict security mode')
        : null,
  },
  {
    id: 'refresh-token-needs-authorization-code',
    check: (m) =>
      m.grant_types.includes('refresh_token') && !m.grant_types.includes('authorization_code')
        ? invalidMetadata('The refresh_token grant needs the authorization_code grant')
        : null,
  },
  {
    id: 'client-credentials-needs-confidential-client',
    check: (m) =>
      m.grant_types.includes('client_credentials') && m.token_endpoint_auth_method === 'none'
        ? invalidMetadata(
            'The client_credentials grant needs a confidential client (token_endpoint_auth_method other than none)',
          )
        : null,
  },
  {
    id: 'response-types-match-grants',
    check: (m) =>
      firstOf(m.response_types, (responseType) => {
        const missing = grantsOfResponse(responseType).find((grant) => !m.grant_types.includes(grant));
        return missing ? invalidMetadata(`response_type "${responseType}" needs the ${missing} grant type`) : null;
      }) ??
      firstOf(['authorization_code', 'implicit'], (grant) =>
        m.grant_types.includes(grant) && !m.response_types.some((r) => grantsOfResponse(r).includes(grant))
          ? invalidMetadata(`grant type ${grant} needs a matching response_type`)
          : null,
      ),
  },
  {
    id: 'redirect-uris-for-redirect-grants',
    check: (m) =>
      m.redirect_uris.length === 0 && m.grant_types.some((grant) => REDIRECT_GRANTS.includes(grant))
        ? invalidRedirect('redirect_uris is required for the authorization_code and implicit grants')
        : null,
  },
  {
    id: 'redirect-uris-per-application-type',
    check: (m) =>
      firstOf(m.redirect_uris, (uri, i) => {
        const why = redirectUriProblem(uri, m);
        return why ? invalidRedirect(`redirect_uris[${i}] ${quote(uri)}: ${why}`) : null;
      }),
  },
  {
    id: 'post-logout-redirect-uris',
    check: (m) =>
      firstOf(m.post_logout_redirect_uris, (uri, i) => {
        const why = redirectUriProblem(uri, { ...m, grant_types: [] });
        return why ? invalidMetadata(`post_logout_redirect_uris[${i}] ${quote(uri)}: ${why}`) : null;
      }),
  },
  {
    id: 'web-page-uris',
    check: (m) =>
      firstOf(WEB_PAGE_FIELDS, (field) => {
        const value = m[field];
        if (value === undefined) return null;
        const why = urlProblem(value, { web: 'any-http', customScheme: false, wildcard: false });
        return why ? invalidMetadata(`${field} ${quote(value)}: ${why}`) : null;
      }),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Mapping to Auth0's client settings, and back for answers.
// ---------------------------------------------------------------------------------------------------------------

/** Auth0 app type of a registered client: native stays native; a public web client is a SPA; M2M when only cc. */
export const appTypeOf = (
  m: Pick<ClientMetadata, 'application_type' | 'token_endpoint_auth_method' | 'grant_types'>,
): AppType => {
  if (m.application_type === 'native') return 'native';
  if (m.token_endpoint_auth_method === 'none') return 'spa';
  return m.grant_types.every((grant) => grant === 'client_credentials') ? 'non_interactive' : 'regular_web';
};

const AUTH0_NAME_OF: Readonly<Record<string, string>> = {
  name: 'client_name',
  callbacks: 'redirect_uris',
  allowed_logout_urls: 'post_logout_redirect_uris',
  app_type: 'application_type',
};

/** An Auth0 settings violation said in registration terms (`callbacks[0]` → `redirect_uris[0]`). */
const problemOfViolation = (violation: Violation): RegistrationProblem => {
  const [head] = violation.path.split(/[.[]/);
  const field = AUTH0_NAME_OF[head] ?? head;
  const path = violation.path.replace(head, field);
  const detail = /^Payload validation error: '(.*)' on property /s.exec(violation.message)?.[1] ?? violation.message;
  const description = path ? `${path}: ${detail}` : detail;
  return field === 'redirect_uris' ? invalidRedirect(description) : invalidMetadata(description);
};

const settingsOf = (m: ClientMetadata, context: RegistrationContext): Record<string, unknown> => ({
  name: m.client_name ?? context.client_id,
  app_type: appTypeOf(m),
  token_endpoint_auth_method: m.token_endpoint_auth_method,
  grant_types: m.grant_types as GrantType[],
  callbacks: m.redirect_uris,
  allowed_logout_urls: m.post_logout_redirect_uris,
  ...(m.logo_uri !== undefined ? { logo_uri: m.logo_uri } : {}),
  // Ownership and security mode are fixed when the application is created (Auth0: DCR apps are third-party).
  ...(context.mode === 'register' ? { is_first_party: false, third_party_security_mode: context.security_mode } : {}),
});

const extrasOf = (m: ClientMetadata): RegistrationExtras => {
  const { client_uri, policy_uri, tos_uri, contacts, scope, software_id, software_version } = m;
  return JSON.parse(
    JSON.stringify({
      response_types: m.response_types,
      client_uri,
      policy_uri,
      tos_uri,
      contacts,
      scope,
      software_id,
      software_version,
    }),
  ) as RegistrationExtras;
};

/** A registered client's metadata as RFC 7591 answers it, from its Auth0 settings and the kept extras. */
export const registeredMetadata = (settings: ClientSettings, extras: RegistrationExtras): Record<string, unknown> => ({
  client_name: settings.name,
  application_type: settings.app_type === 'native' ? 'native' : 'web',
  redirect_uris: settings.callbacks,
  ...(settings.allowed_logout_urls.length > 0 ? { post_logout_redirect_uris: settings.allowed_logout_urls } : {}),
  grant_types: settings.grant_types,
  token_endpoint_auth_method: settings.token_endpoint_auth_method,
  ...(settings.logo_uri !== undefined ? { logo_uri: settings.logo_uri } : {}),
  ...extras,
});

// ---------------------------------------------------------------------------------------------------------------
// The one entry point.
// ---------------------------------------------------------------------------------------------------------------

const serverOwnedProblem = (
  input: Record<string, unknown>,
  context: RegistrationContext,
): RegistrationProblem | null => {
  const issued = SERVER_ISSUED.find((key) => key in input);
  if (issued) return invalidMetadata(`${issued} is issued by the server and cannot be registered`);
  if (context.mode === 'register') {
    if ('client_id' in input) return invalidMetadata('client_id is issued by the server and cannot be registered');
    if ('client_secret' in input)
      return invalidMetadata('client_secret is issued by the server and cannot be registered');
    return null;
  }
  // RFC 7592 §2.2: the PUT names its client; a client_secret, if sent, is checked against the current one elsewhere.
  if (input.client_id !== context.client_id)
    return invalidMetadata('client_id must be present and equal the client being updated');
  return null;
};

/**
 * Checks a raw registration body (RFC 7591 POST or RFC 7592 PUT) and returns the metadata with defaults, the Auth0
 * settings to store and the extras to keep, or the first problem found.
 */
export const evaluateRegistration = (body: unknown, context: RegistrationContext): RegistrationEvaluation => {
  const fail = (found: RegistrationProblem): RegistrationEvaluation => ({ ok: false, problem: found });
  if (!isPlainObject(body)) return fail(invalidMetadata('The registration must be a JSON object'));
  // A null member is an absent one (clients echo a GET's nulls back in an RFC 7592 PUT).
  const input = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
  const owned = serverOwnedProblem(input, context);
  if (owned) return fail(owned);
  if ('software_statement' in input)
    return fail(problem('unapproved_software_statement', 'Software statements are not accepted by this server'));
  for (const [field, rule] of Object.entries(CLIENT_METADATA_RULES)) {
    if (input[field] === undefined) continue;
    const [violation] = checkValue(input[field], rule, field, 'create');
    if (violation) {
      const found = problemOfViolation(violation);
      return fail(
        field === 'redirect_uris' ? invalidRedirect(found.error_description) : invalidMetadata(found.error_description),
      );
    }
  }
  const metadata = withDefaults(input);
  for (const rule of CLIENT_METADATA_CROSS_RULES) {
    const found = rule.check(metadata, context);
    if (found) return fail(found);
  }
  const settings = settingsOf(metadata, context);
  // PUT replaces: what the body leaves out is removed, so the optional mapped field starts from nothing.
  const current = context.current ? { ...context.current, logo_uri: undefined } : undefined;
  const result = evaluateClientSettings(settings, {
    origin: 'dynamic_registration',
    current: current ? (JSON.parse(JSON.stringify(current)) as ClientSettings) : undefined,
  });
  if (!result.ok) return fail(problemOfViolation(result.violations[0]));
  return { ok: true, metadata, settings, extras: extrasOf(metadata) };
};
