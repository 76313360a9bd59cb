import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody } from '../test-support';
import type { ApplicationCommand } from './application.commands';
import { applicationDecider } from './application.decider';
import type { ApplicationEvent } from './application.events';
import { clientScopesRequiredFor } from './client-settings.rules';

/** Bad client bodies from security-reliability-perf.md §6, each refused through the one invalid_body path. */
const spec = DeciderSpecification.for(applicationDecider);
const register = (settings: unknown): ApplicationCommand => ({
  type: 'RegisterApplication',
  data: {
    tenant: 'acme',
    client_id: 'c1',
    at: AT,
    origin: 'management_api',
    settings,
    secret_hash: 'h',
    enabled_connections: [],
  },
});
const update = (changes: unknown): ApplicationCommand => ({
  type: 'UpdateApplication',
  data: { tenant: 'acme', client_id: 'c1', at: LATER, changes },
});
const given = (settings: unknown): ApplicationEvent[] =>
  applicationDecider.decide(register(settings), applicationDecider.initialState());

const p = (detail: string, property?: string) =>
  property === undefined
    ? `Payload validation error: '${detail}'`
    : `Payload validation error: '${detail}' on property ${property}`;
const web = (extra: Record<string, unknown>) => ({ name: 'App', ...extra });
const native = (extra: Record<string, unknown>) => ({ name: 'App', app_type: 'native', ...extra });
const thirdParty = (extra: Record<string, unknown>) => ({ name: 'App', is_first_party: false, ...extra });
const tenMetadataKeys = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v']));

const REFUSED_ON_CREATE: [string, unknown, string][] = [
  // Body shape (§6.1)
  ['null body', null, p('Expected type object but found type null')],
  ['array body', [], p('Expected type object but found type array')],
  ['number body', 42, p('Expected type object but found type integer')],
  ['string body', 'name=x', p('Expected type object but found type string')],
  // Wrong JSON types (§6.2)
  ['name as number', { name: 1 }, p('Expected type string but found type integer', 'name')],
  ['name null', { name: null }, p('Expected type string but found type null', 'name')],
  [
    'boolean as string',
    web({ is_first_party: 'true' }),
    p('Expected type boolean but found type string', 'is_first_party'),
  ],
  ['app_type as boolean', web({ app_type: true }), p('Expected type string but found type boolean', 'app_type')],
  [
    'grant_types as string',
    web({ grant_types: 'client_credentials' }),
    p('Expected type array but found type string', 'grant_types'),
  ],
  [
    'grant_types with a number',
    web({ grant_types: [1] }),
    p('Expected type string but found type integer', 'grant_types[0]'),
  ],
  ['callbacks with null', web({ callbacks: [null] }), p('Expected type string but found type null', 'callbacks[0]')],
  [
    'number as string',
    web({ jwt_configuration: { lifetime_in_seconds: '36000' } }),
    p('Expected type integer but found type string', 'jwt_configuration.lifetime_in_seconds'),
  ],
  [
    '1e309 (Infinity)',
    web({ jwt_configuration: { lifetime_in_seconds: JSON.parse('1e309') } }),
    p('Expected type integer but found type number', 'jwt_configuration.lifetime_in_seconds'),
  ],
  [
    'negative lifetime',
    web({ jwt_configuration: { lifetime_in_seconds: -1 } }),
    p('Value -1 is less than minimum 1', 'jwt_configuration.lifetime_in_seconds'),
  ],
  [
    'float for integer',
    web({ refresh_token: { leeway: 0.5 } }),
    p('Expected type integer but found type number', 'refresh_token.leeway'),
  ],
  [
    'unknown nested property',
    web({ jwt_configuration: { scopes: {} } }),
    p('Additional properties not allowed: scopes', 'jwt_configuration'),
  ],
  // Enums
  ['unknown app type', web({ app_type: 'resource_server' }), p('No enum match for: "resource_server"', 'app_type')],
  [
    'unsupported auth method',
    web({ token_endpoint_auth_method: 'private_key_jwt' }),
    p('No enum match for: "private_key_jwt"', 'token_endpoint_auth_method'),
  ],
  ['alg none', web({ jwt_configuration: { alg: 'none' } }), p('No enum match for: "none"', 'jwt_configuration.alg')],
  // Unknown, read-only and prototype keys (§6.2)
  ['unknown property', web({ foo: 1 }), p('Additional properties not allowed: foo')],
  ['client_secret', web({ client_secret: 'mine' }), p('Property is read-only', 'client_secret')],
  ['client_id', web({ client_id: 'mine' }), p('Property is read-only', 'client_id')],
  ['tenant', web({ tenant: 'other' }), p('Property is read-only', 'tenant')],
  ['global', web({ global: true }), p('Property is read-only', 'global')],
  ['signing_keys', web({ signing_keys: [] }), p('Property is read-only', 'signing_keys')],
  ['external_* field', web({ external_metadata_type: 'cimd' }), p('Property is read-only', 'external_metadata_type')],
  [
    '__proto__ key',
    JSON.parse('{"name":"App","__proto__":{"is_first_party":false}}'),
    p('Property name __proto__ is not allowed'),
  ],
  ['constructor key', web({ constructor: { prototype: { x: 1 } } }), p('Property name constructor is not allowed')],
  // Strings and Unicode (§6.3)
  ['empty name', { name: '' }, p('String is too short (0 chars), minimum 1', 'name')],
  ['HTML in name', { name: '<script>alert(1)</script>' }, p('String does not match pattern ^[^<>]+$', 'name')],
  ['huge name', { name: 'x'.repeat(100_000) }, p('String is too long (100000 chars), maximum 255', 'name')],
  ['256 emoji in name', { name: '😀'.repeat(256) }, p('String is too long (256 chars), maximum 255', 'name')],
  ['NUL in name', { name: 'a\u0000b' }, p('String contains control characters', 'name')],
  ['CRLF in name (log forging)', { name: 'a\r\nfake log line' }, p('String contains control characters', 'name')],
  ['ANSI escape in name', { name: '\u001b[31mred' }, p('String contains control characters', 'name')],
  ['RTL override in name', { name: 'abc\u202Egnp.exe' }, p('String contains control characters', 'name')],
  ['lone surrogate in name', { name: 'a\ud800b' }, p('String contains invalid Unicode', 'name')],
  [
    'description over 140',
    web({ description: 'x'.repeat(141) }),
    p('String is too long (141 chars), maximum 140', 'description'),
  ],
  // URIs (§6.4)
  [
    'javascript: callback',
    web({ callbacks: ['javascript:alert(1)'] }),
    p('Scheme javascript is not allowed', 'callbacks[0]'),
  ],
  [
    'data: callback',
    web({ callbacks: ['data:text/html,<script>alert(1)</script>'] }),
    p('Scheme data is not allowed', 'callbacks[0]'),
  ],
  [
    'vbscript: origin',
    web({ allowed_origins: ['vbscript:msgbox(1)'] }),
    p('Scheme vbscript is not allowed', 'allowed_origins[0]'),
  ],
  [
    'file: logout URL',
    web({ allowed_logout_urls: ['file:///etc/passwd'] }),
    p('Scheme file is not allowed', 'allowed_logout_urls[0]'),
  ],
  ['javascript: logo', web({ logo_uri: 'javascript:alert(1)' }), p('Scheme javascript is not allowed', 'logo_uri')],
  [
    'fragment',
    web({ callbacks: ['https://app.example.com/cb#x'] }),
    p('URL must not contain a fragment', 'callbacks[0]'),
  ],
  ['relative URL', web({ callbacks: ['/cb'] }), p('Must be an absolute URL', 'callbacks[0]')],
  [
    'http on a public host',
    web({ callbacks: ['http://app.example.com/cb'] }),
    p('URL must use https (http is only allowed for loopback hosts)', 'callbacks[0]'),
  ],
  [
    'http web origin',
    web({ web_origins: ['http://app.example.com'] }),
    p('URL must use https (http is only allowed for loopback hosts)', 'web_origins[0]'),
  ],
  [
    'userinfo',
    web({ callbacks: ['https://user:pass@app.example.com/cb'] }),
    p('URL must not contain credentials', 'callbacks[0]'),
  ],
  [
    'space inside',
    web({ callbacks: ['https://app.example.com/ cb'] }),
    p('URL must not contain whitespace or control characters', 'callbacks[0]'),
  ],
  [
    'CRLF inside',
    web({ callbacks: ['https://app.example.com/cb\r\nx'] }),
    p('String contains control characters', 'callbacks[0]'),
  ],
  [
    'percent-encoded dots',
    web({ callbacks: ['https://app.example.com/%2e%2e/admin'] }),
    p('URL must not contain dot segments', 'callbacks[0]'),
  ],
  [
    '2,049 characters',
    web({ callbacks: [`https://app.example.com/${'a'.repeat(2025)}`] }),
    p('String is too long (2049 chars), maximum 2048', 'callbacks[0]'),
  ],
  [
    'duplicate callbacks',
    web({ callbacks: ['https://a.example.com/cb', 'https://a.example.com/cb'] }),
    p('Array items are not unique (indexes 0 and 1)', 'callbacks'),
  ],
  [
    '101 web origins',
    web({ web_origins: Array.from({ length: 101 }, (_, i) => `https://o${i}.example.com`) }),
    p('Array is too long (101), maximum 100', 'web_origins'),
  ],
  [
    '10k grant types',
    web({ grant_types: Array.from({ length: 10_000 }, () => 'implicit') }),
    p('Array is too long (10000), maximum 13', 'grant_types'),
  ],
  [
    'custom scheme for a web app',
    web({ callbacks: ['myapp://callback'] }),
    p('Scheme myapp is not allowed', 'callbacks[0]'),
  ],
  [
    'wildcard in the path',
    web({ callbacks: ['https://example.com/*'] }),
    p('A wildcard is only allowed as the leftmost subdomain label', 'callbacks[0]'),
  ],
  [
    'wildcard on a top-level domain',
    web({ callbacks: ['https://*.com/cb'] }),
    p('A wildcard needs at least two domain labels after it', 'callbacks[0]'),
  ],
  [
    'wildcard for a third party',
    thirdParty({ callbacks: ['https://*.example.com/cb'] }),
    p('Wildcards are not allowed for third-party applications', 'callbacks[0]'),
  ],
  [
    'http initiate_login_uri',
    web({ initiate_login_uri: 'http://localhost/login' }),
    p('URL must use https', 'initiate_login_uri'),
  ],
  // client_metadata (auth0-domain.md §1.1, §6.2)
  [
    '11 metadata keys',
    web({ client_metadata: { ...tenMetadataKeys, k10: 'v' } }),
    p('Too many properties defined (11), maximum 10', 'client_metadata'),
  ],
  [
    'metadata value over 255',
    web({ client_metadata: { k: 'v'.repeat(256) } }),
    p('String is too long (256 chars), maximum 255', 'client_metadata.k'),
  ],
  [
    'nested metadata',
    web({ client_metadata: { k: { deeper: { still: 'x' } } } }),
    p('Expected type string but found type object', 'client_metadata.k'),
  ],
  [
    'metadata array',
    web({ client_metadata: ['a'] }),
    p('Expected type object but found type array', 'client_metadata'),
  ],
  [
    'null metadata value on create',
    web({ client_metadata: { k: null } }),
    p('Expected type string but found type null', 'client_metadata.k'),
  ],
  [
    '__proto__ metadata key',
    web({ client_metadata: JSON.parse('{"__proto__":"x"}') }),
    p('Property name __proto__ is not allowed', 'client_metadata'),
  ],
  [
    'non-ASCII metadata key',
    web({ client_metadata: { ключ: 'v' } }),
    p(`Property name "ключ": String does not match pattern ^[A-Za-z0-9:,-+=_*?"/\\()<>@ ]+$`, 'client_metadata'),
  ],
  // Cross-field combinations (§6.5)
  [
    'HS256 on a public app',
    { name: 'SPA', app_type: 'spa', jwt_configuration: { alg: 'HS256' } },
    p('Public applications must use an asymmetric signing algorithm', 'jwt_configuration.alg'),
  ],
  [
    'security mode on a first-party app',
    web({ third_party_security_mode: 'strict' }),
    p('Only third-party applications have a security mode', 'third_party_security_mode'),
  ],
  [
    'non-curated field for strict third party',
    thirdParty({ sso: true }),
    p('Property cannot be configured for third-party applications in strict mode', 'sso'),
  ],
  [
    'never-expiring refresh token for strict third party',
    thirdParty({ refresh_token: { expiration_type: 'non-expiring' } }),
    p('Refresh tokens of third-party applications in strict mode must expire', 'refresh_token'),
  ],
  [
    'post_login_prompt without OIDC',
    web({ oidc_conformant: false, organization_require_behavior: 'post_login_prompt' }),
    p('post_login_prompt requires oidc_conformant to be true', 'organization_require_behavior'),
  ],
  [
    'client_credentials on a public app',
    { name: 'N', app_type: 'native', grant_types: ['client_credentials'] },
    'Invalid grant types: client_credentials',
  ],
  ['unknown grant URN', web({ grant_types: ['urn:example:unknown'] }), 'Invalid grant types: urn:example:unknown'],
];

const ACCEPTED_ON_CREATE: [string, unknown][] = [
  [
    'http loopback callback',
    web({ callbacks: ['http://localhost:3000/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb'] }),
  ],
  ['custom scheme for a native app', native({ callbacks: ['com.example.app:/oauth2redirect', 'myapp://callback'] })],
  ['first-party wildcard subdomain', web({ callbacks: ['https://*.example.com/cb'] })],
  ['255 emoji in name', { name: '😀'.repeat(255) }],
  ['140-character description', web({ description: 'é'.repeat(140) })],
  ['ten metadata keys', web({ client_metadata: tenMetadataKeys })],
  ['Auth0 metadata key characters', web({ client_metadata: { 'a:b=c': 'x', 'key (1)@x/y?': 'v', 'with space': '' } })],
  ['empty initiate_login_uri', web({ initiate_login_uri: '' })],
];

describe('client settings: bad inputs', () => {
  it(`has at least 40 refused cases (${REFUSED_ON_CREATE.length})`, () => {
    expect(REFUSED_ON_CREATE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REFUSED_ON_CREATE)('refuses %s', (_title, body, message) => {
    spec.given([]).when(register(body)).thenThrows(invalidBody(message));
  });

  it.each(ACCEPTED_ON_CREATE)('accepts %s', (_title, body) => {
    const [event] = applicationDecider.decide(register(body), applicationDecider.initialState());
    expect(event.type).toBe('ApplicationRegistered');
  });

  it('does not let __proto__ change the prototype of the stored settings', () => {
    expect(() =>
      applicationDecider.decide(
        register(JSON.parse('{"name":"A","client_metadata":{"__proto__":{"polluted":"yes"}}}')),
        applicationDecider.initialState(),
      ),
    ).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe('on update', () => {
    it('counts metadata keys after the merge', () => {
      spec
        .given(given(web({ client_metadata: tenMetadataKeys })))
        .when(update({ client_metadata: { extra: 'v' } }))
        .thenThrows(invalidBody(p('Too many properties defined (11), maximum 10', 'client_metadata')));
    });

    it('lets a null delete a key to make room', () => {
      spec
        .given(given(web({ client_metadata: tenMetadataKeys })))
        .when(update({ client_metadata: { k0: null, extra: 'v' } }))
        .then([
          {
            type: 'ApplicationSettingsChanged',
            data: {
              tenant: 'acme',
              client_id: 'c1',
              at: LATER,
              changes: {
                client_metadata: { ...Object.fromEntries(Object.entries(tenMetadataKeys).slice(1)), extra: 'v' },
              },
            },
          },
        ]);
    });

    it('refuses custom-scheme callbacks kept while switching a native app to spa', () => {
      spec
        .given(given(native({ callbacks: ['myapp://callback'] })))
        .when(update({ app_type: 'spa' }))
        .thenThrows(invalidBody(p('Scheme myapp is not allowed', 'callbacks[0]')));
    });

    it('refuses null for a required field', () => {
      spec
        .given(given(web({})))
        .when(update({ name: null }))
        .thenThrows(invalidBody(p('Expected type string but found type null', 'name')));
    });
  });

  it('names the extra scope a body needs', () => {
    expect(clientScopesRequiredFor({ name: 'x', client_secret: 's' })).toEqual(['update:client_keys']);
    expect(clientScopesRequiredFor({ name: 'x' })).toEqual([]);
  });
});
