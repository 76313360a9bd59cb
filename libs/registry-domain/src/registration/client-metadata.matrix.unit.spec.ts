import { AT } from '../test-support';
import { applicationDecider } from '../application/application.decider';
import { evaluateRegistration } from './client-metadata.rules';

/**
 * Generated matrix of RFC 7591 / OIDC DCR registrations. expected() is written from the rules themselves (RFC 7591
 * §2, OIDC DCR 1.0 §2, RFC 8252 §7, node-oidc-provider's checks in auth0-domain.md §6.5, notes/dcr-spec.md) and
 * uses nothing from client-metadata.rules.ts, so a wrong rule there shows up as a failing cell here.
 *
 * Two cross products keep the count below 3,000 while every dimension is crossed with every other at least once:
 * - CLIENT: application type × grant types × response types × auth method × security mode, with no redirect URI or
 *   one plain https URI;
 * - REDIRECT: application type × every redirect URI kind × the grants and response types that change redirect rules
 *   × public/confidential × security mode.
 */

type ApplicationType = 'web' | 'native';
type SecurityMode = 'strict' | 'permissive';
type ErrorCode = 'invalid_redirect_uri' | 'invalid_client_metadata';

/**
 * Redirect URI kinds and whether each is accepted: for a web client without implicit, a web client with implicit
 * (OIDC DCR §2: https only, never localhost), and a native client (RFC 8252 §7: private-use scheme, http only on
 * loopback, no https on loopback). Everywhere: no fragment (RFC 6749 §3.1.2), no script schemes, and plain http
 * only on loopback (RFC 9700; Roster's shared URL rule).
 */
const REDIRECT_KINDS = {
  none: { uri: undefined, web: true, webImplicit: true, native: true },
  'https public': { uri: 'https://client.example.com/cb', web: true, webImplicit: true, native: true },
  'http loopback': { uri: 'http://127.0.0.1:8080/cb', web: true, webImplicit: false, native: true },
  'http public host': { uri: 'http://client.example.com/cb', web: false, webImplicit: false, native: false },
  'custom scheme': { uri: 'com.example.app:/cb', web: false, webImplicit: false, native: true },
  'https loopback': { uri: 'https://localhost:8443/cb', web: true, webImplicit: false, native: false },
  'with fragment': { uri: 'https://client.example.com/cb#state', web: false, webImplicit: false, native: false },
  'javascript:': { uri: 'javascript:alert(1)', web: false, webImplicit: false, native: false },
} as const;
type RedirectKind = keyof typeof REDIRECT_KINDS;

interface Case {
  application_type: ApplicationType;
  /** undefined = not sent. */
  grant_types: string[] | undefined;
  response_types: string[] | undefined;
  token_endpoint_auth_method: string;
  redirect: RedirectKind;
  security_mode: SecurityMode;
}

const SUPPORTED_GRANTS = ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'];
const SUPPORTED_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];
/** OAuth 2.0 Multiple Response Types: `code` is the code flow, `token` and `id_token` are implicit. */
const GRANT_OF_RESPONSE_PART: Readonly<Record<string, string>> = {
  code: 'authorization_code',
  token: 'implicit',
  id_token: 'implicit',
};

const grantsNeededBy = (responseType: string): string[] =>
  responseType.split(' ').map((part) => GRANT_OF_RESPONSE_PART[part]);

/**
 * RFC 7591 §2 defaults: nothing sent = authorization_code / code. dcr-spec: grants follow the response types when
 * only those are sent; when only grants are sent, the response types are the ones those grants need (none for a
 * client_credentials-only client, which is how it needs no redirect URI).
 */
const effectiveGrants = (c: Case): string[] =>
  c.grant_types ?? (c.response_types ? [...new Set(c.response_types.flatMap(grantsNeededBy))] : ['authorization_code']);

const effectiveResponseTypes = (c: Case): string[] => {
  if (c.response_types) return c.response_types;
  const grants = effectiveGrants(c);
  return [
    ...(grants.includes('authorization_code') ? ['code'] : []),
    ...(grants.includes('implicit') ? ['token'] : []),
  ];
};

/**
 * null = registered; otherwise the RFC 7591 §3.2.2 error code. Precedence when a body breaks several rules: the
 * metadata values first, then the redirect URIs (they can only be judged once the grants are known).
 */
const expected = (c: Case): ErrorCode | null => {
  if (!SUPPORTED_AUTH_METHODS.includes(c.token_endpoint_auth_method)) return 'invalid_client_metadata';
  if (c.grant_types?.some((grant) => !SUPPORTED_GRANTS.includes(grant))) return 'invalid_client_metadata';
  const grants = effectiveGrants(c);
  const responses = effectiveResponseTypes(c);
  const has = (grant: string) => grants.includes(grant);
  if (grants.length === 0) return 'invalid_client_metadata';
  if (has('implicit') && c.security_mode === 'strict') return 'invalid_client_metadata'; // Auth0 strict third-party
  // Refresh tokens come only from the code flow among the registrable grants.
  if (has('refresh_token') && !has('authorization_code')) return 'invalid_client_metadata';
  if (has('client_credentials') && c.token_endpoint_auth_method === 'none') return 'invalid_client_metadata';
  // RFC 7591 §2.1: grant_types and response_types must be consistent, both ways.
  if (responses.some((r) => grantsNeededBy(r).some((grant) => !has(grant)))) return 'invalid_client_metadata';
  if (has('authorization_code') && !responses.some((r) => grantsNeededBy(r).includes('authorization_code')))
    return 'invalid_client_metadata';
  if (has('implicit') && !responses.some((r) => grantsNeededBy(r).includes('implicit')))
    return 'invalid_client_metadata';

  const kind = REDIRECT_KINDS[c.redirect];
  if (kind.uri === undefined) return has('authorization_code') || has('implicit') ? 'invalid_redirect_uri' : null;
  const allowed = c.application_type === 'native' ? kind.native : has('implicit') ? kind.webImplicit : kind.web;
  return allowed ? null : 'invalid_redirect_uri';
};

/** Auth0 app type of a registered client: native stays native; public web = SPA; client_credentials only = M2M. */
const expectedAppType = (c: Case): string => {
  if (c.application_type === 'native') return 'native';
  if (c.token_endpoint_auth_method === 'none') return 'spa';
  return effectiveGrants(c).every((grant) => grant === 'client_credentials') ? 'non_interactive' : 'regular_web';
};

const bodyOf = (c: Case): Record<string, unknown> => {
  const uri = REDIRECT_KINDS[c.redirect].uri;
  return {
    application_type: c.application_type,
    token_endpoint_auth_method: c.token_endpoint_auth_method,
    ...(c.grant_types ? { grant_types: c.grant_types } : {}),
    ...(c.response_types ? { response_types: c.response_types } : {}),
    ...(uri ? { redirect_uris: [uri] } : {}),
  };
};

const list = (values: string[] | undefined): string => (values === undefined ? '(absent)' : `[${values.join(', ')}]`);

const titleOf = (c: Case): string =>
  [
    c.application_type,
    `grants ${list(c.grant_types)}`,
    `response_types ${list(c.response_types)}`,
    c.token_endpoint_auth_method,
    `redirect ${c.redirect}`,
    c.security_mode,
  ].join(' | ') + ` → ${expected(c) ?? 'accepted'}`;

const CLIENT_ID = 'dcr_matrix_client';

const run = (c: Case): void => {
  const result = evaluateRegistration(bodyOf(c), {
    mode: 'register',
    client_id: CLIENT_ID,
    security_mode: c.security_mode,
  });
  const code = expected(c);
  if (code !== null) {
    expect(result.ok ? 'accepted' : result.problem.error).toBe(code);
    return;
  }
  if (!result.ok) throw new Error(`Expected acceptance, got ${JSON.stringify(result.problem)}`);
  const uri = REDIRECT_KINDS[c.redirect].uri;
  expect(result.settings).toMatchObject({
    name: CLIENT_ID,
    app_type: expectedAppType(c),
    is_first_party: false,
    third_party_security_mode: c.security_mode,
    token_endpoint_auth_method: c.token_endpoint_auth_method,
    grant_types: effectiveGrants(c),
    callbacks: uri ? [uri] : [],
  });
  expect(result.extras).toEqual({ response_types: effectiveResponseTypes(c) });
  // What the handler registers with must pass the application decider too.
  const [event] = applicationDecider.decide(
    {
      type: 'RegisterApplication',
      data: {
        tenant: 'acme',
        client_id: CLIENT_ID,
        at: AT,
        origin: 'dynamic_registration',
        settings: result.settings,
        secret_hash: 'secret-hash',
        enabled_connections: [],
        registration: { metadata: result.extras, access_token_hash: 'rat-hash' },
      },
    },
    applicationDecider.initialState(),
  );
  expect(event.type === 'ApplicationRegistered' && event.data.settings.app_type).toBe(expectedAppType(c));
};

const cross = <T>(dimensions: { [K in keyof T]: readonly T[K][] }): T[] =>
  Object.entries(dimensions).reduce<Record<string, unknown>[]>(
    (partial, [key, values]) => partial.flatMap((base) => (values as unknown[]).map((v) => ({ ...base, [key]: v }))),
    [{}],
  ) as T[];

const APPLICATION_TYPES: ApplicationType[] = ['web', 'native'];
const SECURITY_MODES: SecurityMode[] = ['strict', 'permissive'];

const CLIENT_CASES = cross<Case>({
  application_type: APPLICATION_TYPES,
  grant_types: [
    undefined,
    ['authorization_code'],
    ['authorization_code', 'refresh_token'],
    ['implicit'],
    ['client_credentials'],
    ['refresh_token'],
    ['authorization_code', 'client_credentials'],
    [],
    ['password'],
  ],
  response_types: [undefined, ['code'], ['token'], ['code id_token'], []],
  token_endpoint_auth_method: ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'],
  redirect: ['none', 'https public'],
  security_mode: SECURITY_MODES,
});

const REDIRECT_CASES = cross<Case>({
  application_type: APPLICATION_TYPES,
  grant_types: [
    undefined,
    ['authorization_code'],
    ['implicit'],
    ['client_credentials'],
    ['authorization_code', 'client_credentials'],
  ],
  response_types: [undefined, ['code'], ['token'], ['code id_token']],
  token_endpoint_auth_method: ['client_secret_post', 'none'],
  redirect: Object.keys(REDIRECT_KINDS) as RedirectKind[],
  security_mode: SECURITY_MODES,
});

const accepted = (cases: Case[]) => cases.filter((c) => expected(c) === null);
const refusedWith = (cases: Case[], code: ErrorCode) => cases.filter((c) => expected(c) === code);

describe('client metadata matrix', () => {
  it('has a reasonable number of cases, with every outcome well represented', () => {
    expect(CLIENT_CASES).toHaveLength(2 * 9 * 5 * 4 * 2 * 2);
    expect(REDIRECT_CASES).toHaveLength(2 * 5 * 4 * 2 * 8 * 2);
    const all = [...CLIENT_CASES, ...REDIRECT_CASES];
    expect(all.length).toBeLessThan(3000);
    for (const cases of [CLIENT_CASES, REDIRECT_CASES]) {
      expect(accepted(cases).length).toBeGreaterThan(50);
      expect(refusedWith(cases, 'invalid_redirect_uri').length).toBeGreaterThan(20);
      expect(refusedWith(cases, 'invalid_client_metadata').length).toBeGreaterThan(50);
    }
    // A redirect kind is accepted for some client exactly when the table allows it for some application type.
    for (const kind of Object.keys(REDIRECT_KINDS) as RedirectKind[]) {
      const ofKind = REDIRECT_CASES.filter((c) => c.redirect === kind);
      const { web, native } = REDIRECT_KINDS[kind];
      expect(accepted(ofKind).length > 0).toBe(web || native);
    }
  });

  describe('client kinds (type × grants × response types × auth method × mode)', () => {
    it.each(CLIENT_CASES.map((c) => [titleOf(c), c] as const))('%s', (_title, c) => run(c));
  });

  describe('redirect URIs (type × URI kind × grants × response types × public/confidential × mode)', () => {
    it.each(REDIRECT_CASES.map((c) => [titleOf(c), c] as const))('%s', (_title, c) => run(c));
  });
});
