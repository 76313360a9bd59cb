import {
  RawResponse,
  createClient,
  expectManagementError,
  grantApi,
  rawRequest,
  expectNoChangeSince,
  useAllInOne,
} from './support-http';

/** Ids of the objects the cases aim at, made before the cases run. */
interface Ids {
  web: string;
  spa: string;
  m2m: string;
  /** An application that already has 9 metadata keys. */
  full: string;
  grant: string;
  connection: string;
  managementApi: string;
  catalogApi: string;
}

/** A request body: a JSON value (serialised here), or exact text with its content type. */
type Body = { json: unknown } | { raw: string | Buffer; contentType?: string };

interface BadInput {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** Route under `B/api/v2/`. */
  route: string | ((ids: Ids) => string);
  body?: Body;
  /** The status; a list where several are defensible (the error shape is still exact). */
  status: number | number[];
  errorCode?: string;
  /** Exact message, or a pattern it must match. */
  message?: string | RegExp;
}

const json = (value: unknown): Body => ({ json: value });
const raw = (text: string | Buffer, contentType = 'application/json'): Body => ({ raw: text, contentType });
const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const https = (path: string) => `https://app.example.com${path}`;
const newClient = (extra: Record<string, unknown>) => json({ name: 'Bad input probe', ...extra });
const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const metadata = (n: number, prefix: string) => Object.fromEntries(many(n, (i) => [`${prefix}${i}`, 'v']));

/** A case builder for a method that takes a body. */
const withBody =
  (method: 'POST' | 'PATCH') =>
  (
    name: string,
    route: BadInput['route'],
    body: Body,
    status: number,
    errorCode?: string,
    message?: BadInput['message'],
  ): BadInput => ({ name, method, route, body, status, errorCode, message });
const post = withBody('POST');
const patch = withBody('PATCH');
const get = (name: string, route: BadInput['route'], status: BadInput['status'], errorCode?: string): BadInput => ({
  name,
  method: 'GET',
  route,
  status,
  errorCode,
});
const createApp = (name: string, body: Body, message?: BadInput['message'], status = 400, errorCode = 'invalid_body') =>
  post(name, 'clients', body, status, errorCode, message);
const patchWeb = (name: string, changes: Record<string, unknown>, message?: BadInput['message']) =>
  patch(name, (ids) => `clients/${ids.web}`, json(changes), 400, 'invalid_body', message);

/** Reference §6 (bad inputs), grouped as there. Each must be refused with a 4xx in Auth0's shape and write nothing. */
const CASES: BadInput[] = [
  // §6.1 transport and body
  createApp('malformed JSON', raw('{"name": "x"'), /not valid JSON/),
  createApp('JSON followed by garbage', raw('{"name":"x"} trailing'), /not valid JSON/),
  createApp('an empty JSON body', raw(''), /cannot be empty/),
  post(
    'an XML content type',
    'clients',
    raw('<client><name>x</name></client>', 'application/xml'),
    415,
    'unsupported_media_type',
  ),
  post('a body without a content type', 'clients', { raw: '{"name":"No type"}' }, 415, 'unsupported_media_type'),
  createApp('JSON sent as text/plain', raw('{"name":"Plain text"}', 'text/plain'), /Expected type object/),
  createApp(
    'a form body where JSON types are needed',
    raw('name=Form&is_first_party=true', 'application/x-www-form-urlencoded'),
    /Expected type boolean but found type string/,
  ),
  post(
    'a body over the 1 MiB limit',
    'clients',
    json({ name: 'Huge', description: 'x'.repeat(1024 * 1024) }),
    413,
    'payload_too_large',
  ),
  createApp('an array as body', raw('[{"name":"x"}]'), /Expected type object but found type array/),
  createApp('a string as body', raw('"client"'), /Expected type object but found type string/),
  createApp('null as body', raw('null'), /Expected type object but found type null/),
  createApp('a number as body', raw('42'), /Expected type object but found type integer/),
  // §6.2 JSON structure
  createApp('a __proto__ key', raw('{"name":"x","__proto__":{"isAdmin":true}}'), /not valid JSON/),
  createApp(
    'a constructor.prototype key',
    raw('{"name":"x","constructor":{"prototype":{"isAdmin":true}}}'),
    /not valid JSON/,
  ),
  createApp(
    'a __proto__ key inside client_metadata',
    raw('{"name":"x","client_metadata":{"__proto__":{"isAdmin":"yes"}}}'),
    /not valid JSON/,
  ),
  createApp(
    'duplicate keys whose last value is bad',
    raw('{"name":"Fine name","name":"<script>alert(1)</script>"}'),
    /pattern/,
  ),
  createApp(
    'metadata nested 10,000 deep',
    raw(`{"name":"x","client_metadata":{"a":${deep(10000)}}}`),
    /Expected type string but found type array/,
  ),
  createApp(
    'an unknown property',
    newClient({ favourite_colour: 'blue' }),
    "Payload validation error: 'Additional properties not allowed: favourite_colour'",
  ),
  createApp('a number as name', json({ name: 12345 }), /Expected type string but found type integer' on property name/),
  createApp('null as name', json({ name: null }), /Expected type string but found type null/),
  createApp('no name', json({ app_type: 'non_interactive' }), /Missing required property: name/),
  createApp('an unknown app_type', newClient({ app_type: 'mainframe' }), /No enum match/),
  createApp(
    '"true" for a boolean',
    newClient({ is_first_party: 'true' }),
    /Expected type boolean but found type string/,
  ),
  createApp(
    'a string where a list is expected',
    newClient({ callbacks: 'https://app.example.com/cb' }),
    /Expected type array/,
  ),
  createApp('a number inside grant_types', newClient({ grant_types: [7] }), /Expected type string/),
  createApp(
    '1e309 as an integer',
    raw('{"name":"x","jwt_configuration":{"lifetime_in_seconds":1e309}}'),
    /lifetime_in_seconds/,
  ),
  createApp(
    'a float as an integer',
    newClient({ jwt_configuration: { lifetime_in_seconds: 1.5 } }),
    /Expected type integer but found type number/,
  ),
  createApp('a negative lifetime', newClient({ jwt_configuration: { lifetime_in_seconds: -1 } }), /less than minimum/),
  createApp(
    '10,000 callbacks',
    newClient({ callbacks: many(10000, (i) => https(`/cb${i}`)) }),
    /Array is too long \(10000\)/,
  ),
  // §6.3 strings and Unicode
  createApp('a NUL in the name', json({ name: 'evil\u0000name' }), /control characters/),
  createApp('CR LF in the name (log forging)', json({ name: 'ok\r\n200 GET /admin' }), /control characters/),
  createApp('an ANSI escape in the name', json({ name: '\u001b[31mred' }), /control characters/),
  createApp('a tab in the description', newClient({ description: 'a\tb' }), /control characters/),
  createApp('a right-to-left override', json({ name: 'invoice\u202Etxt.exe' }), /control characters/),
  createApp('a lone surrogate', raw('{"name":"half \\ud800 a pair"}'), /invalid Unicode/),
  createApp(
    'a 10,000-character name',
    json({ name: 'n'.repeat(10000) }),
    /String is too long \(10000 chars\), maximum 255/,
  ),
  createApp('an empty name', json({ name: '' }), /too short/),
  createApp('a 141-character description', newClient({ description: 'd'.repeat(141) }), /maximum 140/),
  createApp('<script> in the name', json({ name: '<script>alert(1)</script>' }), /pattern/),
  createApp('an HTML attribute break-out in the name', json({ name: '"><img src=x onerror=alert(1)>' }), /pattern/),
  // §6.4 URIs
  createApp(
    'a javascript: callback',
    newClient({ app_type: 'regular_web', callbacks: ['javascript:alert(1)'] }),
    /Scheme javascript is not allowed/,
  ),
  createApp(
    'a data: callback',
    newClient({ app_type: 'regular_web', callbacks: ['data:text/html;base64,PHNjcmlwdD4='] }),
    /Scheme data is not allowed/,
  ),
  createApp(
    'a file: logout URL',
    newClient({ app_type: 'regular_web', allowed_logout_urls: ['file:///etc/passwd'] }),
    /Scheme file is not allowed/,
  ),
  createApp(
    'a javascript: logo_uri',
    newClient({ logo_uri: 'javascript:alert(1)' }),
    /Scheme javascript is not allowed/,
  ),
  createApp(
    'a callback with a fragment',
    newClient({ app_type: 'regular_web', callbacks: [https('/cb#x')] }),
    /fragment/,
  ),
  createApp(
    'a wildcard callback for a third-party app',
    newClient({ app_type: 'regular_web', is_first_party: false, callbacks: ['https://*.example.com/cb'] }),
    /Wildcards are not allowed for third-party applications/,
  ),
  createApp(
    'a wildcard path',
    newClient({ app_type: 'regular_web', callbacks: ['https://example.com/*'] }),
    /wildcard/i,
  ),
  createApp(
    'http on a public host',
    newClient({ app_type: 'regular_web', callbacks: ['http://app.example.com/cb'] }),
    /https/,
  ),
  createApp(
    'credentials in a callback',
    newClient({ app_type: 'regular_web', callbacks: ['https://user:pass@app.example.com/cb'] }),
    /credentials/,
  ),
  createApp('a relative callback', newClient({ app_type: 'regular_web', callbacks: ['/cb'] }), /absolute URL/),
  createApp(
    'encoded dot segments',
    newClient({ app_type: 'regular_web', callbacks: [https('/a/%2e%2e/admin')] }),
    /dot segments/,
  ),
  createApp(
    'a 2,049-character callback',
    newClient({ app_type: 'regular_web', callbacks: [https(`/${'a'.repeat(2049 - https('/').length)}`)] }),
    /maximum 2048/,
  ),
  createApp(
    'duplicate callbacks',
    newClient({ app_type: 'regular_web', callbacks: [https('/cb'), https('/cb')] }),
    /not unique/,
  ),
  createApp(
    'an http initiate_login_uri',
    newClient({ app_type: 'regular_web', initiate_login_uri: 'http://app.example.com/login' }),
    /https/,
  ),
  // §6.5 grant / auth-method combinations
  createApp(
    'client_credentials on a SPA',
    newClient({ app_type: 'spa', grant_types: ['client_credentials'] }),
    'Invalid grant types: client_credentials',
  ),
  createApp(
    'an unknown grant type',
    newClient({ app_type: 'non_interactive', grant_types: ['client_credentials', 'urn:example:steal'] }),
    'Invalid grant types: urn:example:steal',
  ),
  createApp(
    'password for a third-party app',
    newClient({ app_type: 'regular_web', is_first_party: false, grant_types: ['password'] }),
    'Invalid grant types: password',
  ),
  createApp(
    'a SPA with a client secret method',
    newClient({ app_type: 'spa', token_endpoint_auth_method: 'client_secret_post' }),
    /token_endpoint_auth_method/,
  ),
  createApp(
    'an unsupported auth method',
    newClient({ token_endpoint_auth_method: 'private_key_jwt' }),
    /No enum match/,
  ),
  createApp(
    'device code on a confidential app',
    newClient({
      app_type: 'native',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
    }),
    /must have Token Endpoint Authentication Method set to "none"/,
  ),
  createApp(
    'a caller-chosen client_secret',
    newClient({ client_secret: 'my-own-secret-that-is-long-enough-000000' }),
    /read-only/,
  ),
  createApp('a caller-chosen client_id', newClient({ client_id: 'chosen-by-me-000000000' }), /read-only/),
  // Metadata limits
  createApp(
    '11 metadata keys',
    newClient({ client_metadata: metadata(11, 'k') }),
    /Too many properties defined \(11\), maximum 10/,
  ),
  createApp('a 256-character metadata value', newClient({ client_metadata: { note: 'v'.repeat(256) } }), /maximum 255/),
  createApp(
    'a number as metadata value',
    newClient({ client_metadata: { count: 3 } }),
    /Expected type string but found type integer/,
  ),
  createApp(
    'a control character in a metadata key',
    newClient({ client_metadata: { 'bad\u0007key': 'v' } }),
    /control characters/,
  ),
  patch(
    'an 11th metadata key after merging',
    (ids) => `clients/${ids.full}`,
    json({ client_metadata: { tenth: 'v', eleventh: 'v' } }),
    400,
    'invalid_body',
    /Too many properties defined \(11\), maximum 10/,
  ),
  // Read-only and write-once fields on PATCH
  patchWeb(
    'client_id in a PATCH',
    { client_id: 'another-id-000000000' },
    "Payload validation error: 'Property is read-only' on property client_id",
  ),
  patchWeb('tenant in a PATCH', { tenant: 'acme' }, /read-only' on property tenant/),
  patchWeb('global in a PATCH', { global: true }, /read-only' on property global/),
  patchWeb('signing_keys in a PATCH', { signing_keys: [{ cert: 'x' }] }, /read-only' on property signing_keys/),
  patchWeb('client_secret in a PATCH', { client_secret: 'x'.repeat(64) }, /read-only' on property client_secret/),
  patchWeb('encryption_key in a PATCH', { encryption_key: { pub: 'x' } }, /read-only/),
  patchWeb('created_at in a PATCH', { created_at: '2020-01-01T00:00:00Z' }, /read-only/),
  patchWeb('an external_* field in a PATCH', { external_metadata_type: 'cimd' }, /read-only/),
  patchWeb('changing is_first_party', { is_first_party: false }, /cannot be changed after creation/),
  patchWeb(
    'a PATCH that is an array',
    [{ name: 'x' }] as unknown as Record<string, unknown>,
    /Expected type object but found type array/,
  ),
  post(
    'rotating the secret of a public application',
    (ids) => `clients/${ids.spa}/rotate-secret`,
    json({}),
    400,
    'invalid_body',
    /no client secret to rotate/,
  ),
  // Query strings
  get('per_page=1000', 'clients?per_page=1000', 400, 'invalid_query_string'),
  get('page=-1', 'clients?page=-1', 400, 'invalid_query_string'),
  get('include_totals=maybe', 'clients?include_totals=maybe', 400, 'invalid_query_string'),
  get('an unknown query parameter', 'clients?is_admin=true', 400, 'invalid_query_string'),
  get('per_page=abc', 'clients?per_page=abc', 400, 'invalid_query_string'),
  get('take=0', 'clients?take=0', 400, 'invalid_query_string'),
  get('fields with SQL in it', 'clients?fields=client_id;DROP%20TABLE%20x', 400, 'invalid_query_string'),
  get('an unknown app_type filter', 'clients?app_type=mainframe', 400, 'invalid_query_string'),
  get('a repeated page parameter', 'clients?page=1&page=2', 400, 'invalid_query_string'),
  get('per_page=1000 on client grants', 'client-grants?per_page=1000', 400, 'invalid_query_string'),
  get('an unknown parameter on connections', 'connections?drop=1', 400, 'invalid_query_string'),
  post(
    'a grace period over 7 days',
    (ids) => `clients/${ids.m2m}/rotate-secret?previous_secret_grace_period=604801`,
    json({}),
    400,
    'invalid_query_string',
  ),
  post(
    'a negative grace period',
    (ids) => `clients/${ids.m2m}/rotate-secret?previous_secret_grace_period=-1`,
    json({}),
    400,
    'invalid_query_string',
  ),
  // Bad ids
  get('an unknown client id', 'clients/does-not-exist', 404, 'inexistent_client'),
  get('a 300-character client id', `clients/${'x'.repeat(300)}`, [400, 404, 414]),
  get('a client id with a NUL', 'clients/abc%00def', 400, 'invalid_uri'),
  get('a client id with a right-to-left override', 'clients/abc%E2%80%AEdef', 404, 'inexistent_client'),
  get(
    'a client id differing only by case',
    (ids) => `clients/${ids.web.toUpperCase() === ids.web ? ids.web.toLowerCase() : ids.web.toUpperCase()}`,
    404,
    'inexistent_client',
  ),
  patch('PATCH of an unknown client', 'clients/does-not-exist', json({ description: 'x' }), 404, 'inexistent_client'),
  patch('PATCH of a client id with a NUL', 'clients/abc%00def', json({ description: 'x' }), 400, 'invalid_uri'),
  get('a connection id with a NUL', 'connections/con_%00', 400, 'invalid_uri'),
  get('a client grant id with a NUL', 'client-grants/cgr_%00', 400, 'invalid_uri'),
  {
    name: 'DELETE of an unknown client',
    method: 'DELETE',
    route: 'clients/does-not-exist',
    status: 404,
    errorCode: 'inexistent_client',
  },
  post(
    'rotating the secret of an unknown client',
    'clients/does-not-exist/rotate-secret',
    json({}),
    404,
    'inexistent_client',
  ),
  get('an unknown client grant', 'client-grants/cgr_doesnotexist', 404, 'inexistent_client_grant'),
  patch(
    'PATCH of an unknown client grant',
    'client-grants/cgr_doesnotexist',
    json({ scope: [] }),
    404,
    'inexistent_client_grant',
  ),
  get('an unknown connection', 'connections/con_doesnotexist', 404, 'inexistent_connection'),
  {
    name: 'DELETE of an unknown connection',
    method: 'DELETE',
    route: 'connections/con_doesnotexist',
    status: 404,
    errorCode: 'inexistent_connection',
  },
  get('an unknown resource server', 'resource-servers/000000000000000000000000', 404, 'inexistent_resource_server'),
  get('an unknown route', 'no-such-collection', 404),
  {
    name: 'PUT, which the API does not serve',
    method: 'PUT',
    route: (ids) => `clients/${ids.web}`,
    body: json({ name: 'x' }),
    status: 404,
  },
  // Client grants
  post(
    'a grant with a scope the API does not define',
    'client-grants',
    json({
      client_id: 'UNGRANTED',
      audience: 'https://catalog.example.com/',
      scope: ['read:catalog', 'root:everything'],
    }),
    400,
    'invalid_body',
    /Scopes not defined by the resource server: root:everything/,
  ),
  post(
    'a grant for an unknown audience',
    'client-grants',
    json({ client_id: 'UNGRANTED', audience: 'https://nowhere.example.com/', scope: [] }),
    404,
    'inexistent_resource_server',
  ),
  post(
    'a grant for an unknown client',
    'client-grants',
    json({ client_id: 'no-such-client', audience: 'https://catalog.example.com/', scope: [] }),
    404,
    'inexistent_client',
  ),
  post(
    'a grant with an extra property',
    'client-grants',
    json({ client_id: 'UNGRANTED', audience: 'https://catalog.example.com/', scope: [], organization_usage: 'allow' }),
    400,
    'invalid_body',
    /Additional properties not allowed: organization_usage/,
  ),
  post(
    'a grant whose scope is a string',
    'client-grants',
    json({ client_id: 'UNGRANTED', audience: 'https://catalog.example.com/', scope: 'read:catalog' }),
    400,
    'invalid_body',
    /Expected type array/,
  ),
  post('a grant without audience', 'client-grants', json({ client_id: 'UNGRANTED', scope: [] }), 400, 'invalid_body'),
  patch(
    'a grant PATCH with duplicate scopes',
    (ids) => `client-grants/${ids.grant}`,
    json({ scope: ['read:catalog', 'read:catalog'] }),
    400,
    'invalid_body',
    /not unique/,
  ),
  patch(
    'a grant PATCH changing the audience',
    (ids) => `client-grants/${ids.grant}`,
    json({ audience: 'https://other.example.com/' }),
    400,
    'invalid_body',
    /Additional properties not allowed: audience/,
  ),
  // Connections
  post(
    'a connection name with spaces',
    'connections',
    json({ name: 'my db', strategy: 'auth0' }),
    400,
    'invalid_body',
    /pattern/,
  ),
  post(
    'an unknown connection strategy',
    'connections',
    json({ name: 'ldap-db', strategy: 'ldap-of-doom' }),
    400,
    'invalid_body',
    /No enum match/,
  ),
  post(
    'connection options nested 7 deep',
    'connections',
    json({ name: 'deep-db', strategy: 'auth0', options: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } }),
    400,
    'invalid_body',
    /nested too deeply/,
  ),
  post(
    'a secret in connection options',
    'connections',
    json({ name: 'secret-db', strategy: 'google-oauth2', options: { client_id: 'x', client_secret: 'y' } }),
    400,
    'invalid_body',
    /Secrets are not stored/,
  ),
  post(
    '11 connection realms',
    'connections',
    json({ name: 'realm-db', strategy: 'auth0', realms: many(11, (i) => `r${i}`) }),
    400,
    'invalid_body',
    /Array is too long/,
  ),
  post(
    'enabled_clients naming an unknown client',
    'connections',
    json({ name: 'orphan-db', strategy: 'auth0', enabled_clients: ['no-such-client'] }),
    400,
    'invalid_body',
    /unknown client_id/,
  ),
  patch(
    'renaming a connection',
    (ids) => `connections/${ids.connection}`,
    json({ name: 'renamed-db' }),
    400,
    'invalid_body',
    /cannot be changed after creation/,
  ),
  patch(
    '51 items in a connection clients PATCH',
    (ids) => `connections/${ids.connection}/clients`,
    json(many(51, (i) => ({ client_id: `client-${i}`, status: true }))),
    400,
    'invalid_body',
    /expected 1 to 50 items/,
  ),
  patch(
    'an object as connection clients PATCH',
    (ids) => `connections/${ids.connection}/clients`,
    json({ client_id: 'x', status: true }),
    400,
    'invalid_body',
    /expected an array/,
  ),
  patch(
    'a string status in a connection clients PATCH',
    (ids) => `connections/${ids.connection}/clients`,
    json([{ client_id: 'UNGRANTED', status: 'true' }]),
    400,
    'invalid_body',
    /status must be a boolean/,
  ),
  patch(
    'an unknown client in a connection clients PATCH',
    (ids) => `connections/${ids.connection}/clients`,
    json([{ client_id: 'no-such-client', status: true }]),
    404,
    'inexistent_client',
  ),
  // Resource servers
  {
    name: 'deleting the Management API',
    method: 'DELETE',
    route: (ids) => `resource-servers/${ids.managementApi}`,
    status: 403,
    errorCode: 'operation_not_supported',
  },
  patch(
    'changing the Management API',
    (ids) => `resource-servers/${ids.managementApi}`,
    json({ token_lifetime: 2592000 }),
    403,
    'operation_not_supported',
  ),
  post(
    'an API with a signing_alg other than ES256',
    'resource-servers',
    json({ identifier: 'https://rs.example.com/', signing_alg: 'HS256' }),
    400,
    'invalid_body',
    /No enum match/,
  ),
  post(
    'an API with token_lifetime 0',
    'resource-servers',
    json({ identifier: 'https://rs.example.com/', token_lifetime: 0 }),
    400,
    'invalid_body',
    /less than minimum/,
  ),
  post(
    'an API identifier with whitespace',
    'resource-servers',
    json({ identifier: 'https://rs.example.com/ x' }),
    400,
    'invalid_body',
    /pattern/,
  ),
  post(
    'an API with duplicate scope values',
    'resource-servers',
    json({ identifier: 'https://rs.example.com/', scopes: [{ value: 'a' }, { value: 'a' }] }),
    400,
    'invalid_body',
    /not unique/,
  ),
  post(
    'an API scope containing a space',
    'resource-servers',
    json({ identifier: 'https://rs.example.com/', scopes: [{ value: 'read items' }] }),
    400,
    'invalid_body',
    /pattern/,
  ),
  post(
    'an API without identifier',
    'resource-servers',
    json({ name: 'No identifier' }),
    400,
    'invalid_body',
    /identifier/,
  ),
  // Tenant settings
  patch(
    'an unknown tenant setting',
    'tenants/settings',
    json({ allow_everything: true }),
    400,
    'invalid_body',
    /Additional properties not allowed: allow_everything/,
  ),
  patch(
    'a javascript: support URL',
    'tenants/settings',
    json({ support_url: 'javascript:alert(1)' }),
    400,
    'invalid_body',
    /Scheme javascript is not allowed/,
  ),
  patch(
    'a non-boolean tenant flag',
    'tenants/settings',
    json({ flags: { enable_dynamic_client_registration: 'yes' } }),
    400,
    'invalid_body',
    /Expected type boolean/,
  ),
];

/** Cases that conflict with existing objects: still 4xx, still nothing written. */
const CONFLICTS: BadInput[] = [
  post(
    'a second grant for the same client and API',
    'client-grants',
    json({ client_id: 'PLACEHOLDER', audience: 'https://catalog.example.com/', scope: ['read:catalog'] }),
    409,
    'client_grant_conflict',
  ),
  post(
    'a second connection with the same name',
    'connections',
    json({ name: 'extra-db', strategy: 'auth0' }),
    409,
    'connection_conflict',
  ),
  post(
    'a second API with the same identifier',
    'resource-servers',
    json({ identifier: 'https://catalog.example.com/', name: 'Duplicate' }),
    409,
    'resource_server_conflict',
  ),
  post('a tenant that exists', 'tenants', json({ name: 'default' }), 409, 'tenant_exists'),
];

/**
 * Filled in beforeAll. In bodies, PLACEHOLDER stands for the M2M app (which already has a grant for the catalog
 * API) and UNGRANTED for an app without one, so validation cases are not answered by the conflict check.
 */
const ids0 = {} as Ids;

describe('bad inputs to the Management API', () => {
  const { roster, admin } = useAllInOne();
  let headBefore: bigint;

  beforeAll(async () => {
    const web = await createClient(admin.api, {
      name: 'Probe web app',
      app_type: 'regular_web',
      callbacks: ['https://app.example.com/callback'],
    });
    const spa = await createClient(admin.api, {
      name: 'Probe SPA',
      app_type: 'spa',
      callbacks: ['https://spa.example.com/callback'],
    });
    const m2m = await createClient(admin.api, { name: 'Probe worker', app_type: 'non_interactive' });
    const full = await createClient(admin.api, {
      name: 'Probe with metadata',
      app_type: 'non_interactive',
      client_metadata: metadata(9, 'existing_'),
    });
    await grantApi(
      admin.api,
      m2m.client_id,
      'https://catalog.example.com/',
      ['read:catalog'],
      ['read:catalog', 'write:catalog'],
    );
    const grants = await admin.api.get(`client-grants?client_id=${m2m.client_id}`);
    const connection = await admin.api.post('connections', { name: 'extra-db', strategy: 'auth0' });
    expect(connection.status).toBe(201);
    const apis = (await admin.api.get('resource-servers')).body as Array<{
      id: string;
      is_system?: boolean;
      identifier: string;
    }>;
    Object.assign(ids0, {
      web: web.client_id,
      spa: spa.client_id,
      m2m: m2m.client_id,
      full: full.client_id,
      grant: grants.body[0].id,
      connection: connection.body.id,
      managementApi: apis.find((a) => a.is_system)!.id,
      catalogApi: apis.find((a) => a.identifier === 'https://catalog.example.com/')!.id,
    });
    headBefore = await roster.storage.eventStore.headPosition();
  });

  const send = (c: BadInput): Promise<RawResponse> => {
    const route = typeof c.route === 'function' ? c.route(ids0) : c.route;
    const headers: Record<string, string> = { authorization: `Bearer ${admin.token}` };
    let body: string | Buffer | undefined;
    if (c.body && 'json' in c.body) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(c.body.json)
        .replace(/PLACEHOLDER/g, ids0.m2m)
        .replace(/UNGRANTED/g, ids0.full);
    } else if (c.body) {
      if (c.body.contentType) headers['content-type'] = c.body.contentType;
      body = c.body.raw;
    }
    return rawRequest(`${roster.tenantBase()}/api/v2/${route}`, { method: c.method, headers, body });
  };

  it('has at least 45 distinct cases', () => {
    expect(new Set([...CASES, ...CONFLICTS].map((c) => c.name)).size).toBe(CASES.length + CONFLICTS.length);
    expect(CASES.length + CONFLICTS.length).toBeGreaterThanOrEqual(45);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('refuses %s', async (_name, c) => {
    const response = await send(c);
    const allowed = Array.isArray(c.status) ? c.status : [c.status];
    expectManagementError(response, allowed.includes(response.status) ? response.status : allowed[0], c.errorCode);
    const { message } = response.json as { message: string };
    if (typeof c.message === 'string') expect(message).toBe(c.message);
    else if (c.message) expect(message).toMatch(c.message);
  });

  it('wrote nothing for any of them', async () => {
    await expectNoChangeSince(roster, headBefore);
  });

  it.each(CONFLICTS.map((c) => [c.name, c] as const))('refuses %s with 409 and writes nothing', async (_name, c) => {
    const before = await roster.storage.eventStore.headPosition();
    const response = await send(c);
    expectManagementError(response, c.status as number, c.errorCode);
    await expectNoChangeSince(roster, before);
  });

  it('left the probed objects as they were', async () => {
    const web = await admin.api.get(`clients/${ids0.web}`);
    expect(web.body).toMatchObject({
      name: 'Probe web app',
      is_first_party: true,
      callbacks: ['https://app.example.com/callback'],
    });
    const full = await admin.api.get(`clients/${ids0.full}`);
    expect(Object.keys(full.body.client_metadata)).toHaveLength(9);
    const clients = await admin.api.get('clients?per_page=100');
    expect(clients.body.map((c: { name: string }) => c.name).sort()).toEqual(
      ['Bootstrap Admin', 'Probe SPA', 'Probe web app', 'Probe with metadata', 'Probe worker'].sort(),
    );
    const management = await admin.api.get(`resource-servers/${ids0.managementApi}`);
    expect(management.status).toBe(200);
  });
});
