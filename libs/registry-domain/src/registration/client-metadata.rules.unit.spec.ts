import { applicationDecider } from '../application/application.decider';
import type { ClientSettings, ThirdPartySecurityMode } from '../application/application.events';
import { AT } from '../test-support';
import { evaluateRegistration, type RegistrationEvaluation } from './client-metadata.rules';

/** Focused cases next to the generated matrix: server-owned fields, odd bodies, and the optional metadata fields. */

const CLIENT_ID = 'dcr_client_1';
const REDIRECT = 'https://client.example.com/cb';
const WEB = { redirect_uris: [REDIRECT] };

const register = (body: unknown, security_mode: ThirdPartySecurityMode = 'strict') =>
  evaluateRegistration(body, { mode: 'register', client_id: CLIENT_ID, security_mode });

const replace = (body: unknown, current?: ClientSettings) =>
  evaluateRegistration(body, { mode: 'replace', client_id: CLIENT_ID, security_mode: 'strict', current });

const outcome = (result: RegistrationEvaluation): string => (result.ok ? 'accepted' : result.problem.error);

const accepted = (result: RegistrationEvaluation) => {
  if (!result.ok) throw new Error(`Expected acceptance, got ${JSON.stringify(result.problem)}`);
  return result;
};

/** The complete settings of an application registered from this body (through the decider, as the handler does). */
const registeredSettings = (body: unknown): ClientSettings => {
  const { settings, extras } = accepted(register(body));
  const [event] = applicationDecider.decide(
    {
      type: 'RegisterApplication',
      data: {
        tenant: 'acme',
        client_id: CLIENT_ID,
        at: AT,
        origin: 'dynamic_registration',
        settings,
        secret_hash: 'secret-hash',
        enabled_connections: [],
        registration: { metadata: extras, access_token_hash: 'rat-hash' },
      },
    },
    applicationDecider.initialState(),
  );
  if (event.type !== 'ApplicationRegistered') throw new Error(`Unexpected ${event.type}`);
  return event.data.settings;
};

/** What a minimal web registration maps to; nothing else may reach the Auth0 settings. */
const MINIMAL_WEB_SETTINGS = {
  name: CLIENT_ID,
  app_type: 'regular_web',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code'],
  callbacks: [REDIRECT],
  allowed_logout_urls: [],
  is_first_party: false,
  third_party_security_mode: 'strict',
};

describe('client metadata rules', () => {
  it('applies the RFC 7591 / OIDC DCR defaults to a body with only redirect_uris', () => {
    const result = accepted(register(WEB));
    expect(result.metadata).toEqual({
      application_type: 'web',
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(result.settings).toEqual(MINIMAL_WEB_SETTINGS);
    expect(result.extras).toEqual({ response_types: ['code'] });
  });

  it('maps client_name and logo_uri, and keeps the RFC 7591 fields Auth0 has no place for as extras', () => {
    const result = accepted(
      register({
        ...WEB,
        client_name: 'Partner App',
        logo_uri: 'http://cdn.example.com/logo.png',
        client_uri: 'https://partner.example.com',
        policy_uri: 'https://partner.example.com/privacy',
        tos_uri: 'https://partner.example.com/tos',
        contacts: ['ops@partner.example.com'],
        scope: 'openid profile read:items',
        software_id: '4NRB1-0XZABZI9E6-5SM3R',
        software_version: '2.1',
      }),
    );
    expect(result.settings).toMatchObject({ name: 'Partner App', logo_uri: 'http://cdn.example.com/logo.png' });
    expect(result.extras).toEqual({
      response_types: ['code'],
      client_uri: 'https://partner.example.com',
      policy_uri: 'https://partner.example.com/privacy',
      tos_uri: 'https://partner.example.com/tos',
      contacts: ['ops@partner.example.com'],
      scope: 'openid profile read:items',
      software_id: '4NRB1-0XZABZI9E6-5SM3R',
      software_version: '2.1',
    });
  });

  describe('server-owned fields', () => {
    it.each([
      ['client_id', CLIENT_ID],
      ['client_secret', 'chosen-by-the-client'],
      ['registration_access_token', 'token'],
      ['registration_client_uri', `https://roster.example.com/oidc/register/${CLIENT_ID}`],
      ['client_secret_expires_at', 0],
      ['client_id_issued_at', 1767225600],
    ])('refuses %s on registration', (field, value) => {
      const result = register({ ...WEB, [field]: value });
      expect(outcome(result)).toBe('invalid_client_metadata');
      expect(!result.ok && result.problem.error_description).toContain(field);
    });

    it.each([
      ['missing', {}],
      ['another client', { client_id: 'dcr_client_2' }],
      ['not a string', { client_id: 1 }],
    ])('refuses a replacement whose client_id is %s', (_what, id) => {
      expect(outcome(replace({ ...WEB, ...id }))).toBe('invalid_client_metadata');
    });

    it.each([
      ['registration_access_token', 'token'],
      ['registration_client_uri', `https://roster.example.com/oidc/register/${CLIENT_ID}`],
      ['client_secret_expires_at', 0],
      ['client_id_issued_at', 1767225600],
    ])('refuses %s in a replacement even with the right client_id (RFC 7592 §2.2)', (field, value) => {
      expect(outcome(replace({ ...WEB, client_id: CLIENT_ID, [field]: value }))).toBe('invalid_client_metadata');
    });

    it('accepts a replacement naming its client, and keeps neither client_id nor client_secret', () => {
      // The client_secret is compared with the stored hash by the handler; here it must only never be stored.
      const result = accepted(replace({ ...WEB, client_id: CLIENT_ID, client_secret: 'current-secret' }));
      for (const kept of [result.settings, result.extras, result.metadata]) {
        expect(Object.keys(kept)).not.toContain('client_id');
        expect(Object.keys(kept)).not.toContain('client_secret');
        expect(Object.values(kept)).not.toContain('current-secret');
      }
    });
  });

  it('answers unapproved_software_statement to any software statement', () => {
    const result = register({ ...WEB, software_statement: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' });
    expect(outcome(result)).toBe('unapproved_software_statement');
  });

  it.each([
    ['null', null],
    ['an array', [WEB]],
    ['a string', JSON.stringify(WEB)],
    ['a number', 42],
    ['absent', undefined],
  ])('refuses a body that is %s with invalid_client_metadata', (_what, body) => {
    expect(outcome(register(body))).toBe('invalid_client_metadata');
  });

  it('ignores unknown fields (RFC 7591 §2) and keeps none of them, Auth0 client fields included', () => {
    const body = JSON.parse(
      JSON.stringify({
        ...WEB,
        foo: 'bar',
        jwks_uri: 'https://client.example.com/jwks',
        is_first_party: true,
        third_party_security_mode: 'permissive',
        app_type: 'spa',
        callbacks: ['https://evil.example.com/cb'],
        allowed_clients: ['other'],
        client_metadata: { role: 'admin' },
      }).replace('{', '{"__proto__":{"is_first_party":true},'),
    );
    const result = accepted(register(body));
    expect(result.settings).toEqual(MINIMAL_WEB_SETTINGS);
    expect(result.extras).toEqual({ response_types: ['code'] });
    expect(Object.keys(result.metadata).sort()).toEqual([
      'application_type',
      'grant_types',
      'post_logout_redirect_uris',
      'redirect_uris',
      'response_types',
      'token_endpoint_auth_method',
    ]);
  });

  it.each([
    ['a string, not a list', 'ops@example.com'],
    ['not an email', ['ops']],
    ['an email without a dot in the domain', ['ops@localhost']],
    ['with whitespace', ['ops team@example.com']],
    ['with angle brackets', ['<ops@example.com>']],
    ['a number', [42]],
    ['repeated', ['ops@example.com', 'ops@example.com']],
    ['more than 10', Array.from({ length: 11 }, (_, i) => `ops${i}@example.com`)],
  ])('refuses contacts %s', (_what, contacts) => {
    expect(outcome(register({ ...WEB, contacts }))).toBe('invalid_client_metadata');
  });

  it.each([
    ['empty', ''],
    ['with < and >', '<script>alert(1)</script>'],
    ['longer than 255 characters', 'a'.repeat(256)],
    ['with a line break', 'Partner\nApp'],
    ['a number', 42],
  ])('refuses client_name %s', (_what, client_name) => {
    expect(outcome(register({ ...WEB, client_name }))).toBe('invalid_client_metadata');
  });

  it.each(['logo_uri', 'client_uri', 'policy_uri', 'tos_uri'])('refuses bad forms of %s', (field) => {
    for (const value of [
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'com.example.app:/logo',
      'not a url',
      '',
      'https://cdn.example.com/logo.png#top',
      'https://user:pw@cdn.example.com/logo.png',
      `https://cdn.example.com/${'a'.repeat(2048)}`,
      42,
    ]) {
      expect([value, outcome(register({ ...WEB, [field]: value }))]).toEqual([value, 'invalid_client_metadata']);
    }
  });

  it.each([
    ['not a list', REDIRECT],
    ['a list of numbers', [42]],
    ['repeated', [REDIRECT, REDIRECT]],
    ['more than 100', Array.from({ length: 101 }, (_, i) => `https://client.example.com/cb${i}`)],
    ['empty while the code grant needs one', []],
    ['a wildcard', ['https://*.client.example.com/cb']],
    ['relative', ['/cb']],
  ])('refuses redirect_uris %s with invalid_redirect_uri', (_what, redirect_uris) => {
    expect(outcome(register({ redirect_uris }))).toBe('invalid_redirect_uri');
  });

  it('names the redirect URI that is refused', () => {
    const result = register({ redirect_uris: [REDIRECT, 'http://client.example.com/cb'] });
    expect(!result.ok && result.problem.error_description).toMatch(
      /^redirect_uris\[1\] "http:\/\/client\.example\.com\/cb": /,
    );
  });

  it.each(['http://[::1]:8080/cb', 'http://localhost:8080/cb', 'com.example.app:/oauth2redirect'])(
    'accepts the native redirect URI %s',
    (uri) => {
      expect(accepted(register({ application_type: 'native', redirect_uris: [uri] })).settings).toMatchObject({
        app_type: 'native',
        callbacks: [uri],
      });
    },
  );

  it.each([
    ['an unknown application_type', { application_type: 'spa' }],
    ['an unsupported auth method', { token_endpoint_auth_method: 'client_secret_jwt' }],
    ['an unknown response type', { response_types: ['code idtoken'] }],
    ['a scope with two spaces', { scope: 'openid  profile' }],
    ['a scope with a quote', { scope: 'openid "profile"' }],
    ['an empty software_id', { software_id: '' }],
  ])('refuses %s with invalid_client_metadata', (_what, fields) => {
    expect(outcome(register({ ...WEB, ...fields }))).toBe('invalid_client_metadata');
  });

  describe('post_logout_redirect_uris', () => {
    const LOGOUT = 'https://client.example.com/logged-out';

    it('are refused in strict mode, where third-party applications have no logout URLs', () => {
      const result = register({ ...WEB, post_logout_redirect_uris: [LOGOUT] }, 'strict');
      expect(outcome(result)).toBe('invalid_client_metadata');
      expect(!result.ok && result.problem.error_description).toMatch(/^post_logout_redirect_uris/);
    });

    it('are accepted in permissive mode and become allowed_logout_urls', () => {
      const result = accepted(register({ ...WEB, post_logout_redirect_uris: [LOGOUT] }, 'permissive'));
      expect(result.settings).toMatchObject({ allowed_logout_urls: [LOGOUT] });
    });

    it.each([
      ['web', 'https://client.example.com/logged-out#done'],
      ['web', 'com.example.app:/logged-out'],
      ['web', 'http://client.example.com/logged-out'],
      ['native', 'https://localhost/logged-out'],
      ['native', 'javascript:alert(1)'],
    ])('follow the redirect URI rules of a %s client, as invalid_client_metadata: %s', (application_type, uri) => {
      const redirect = application_type === 'native' ? 'com.example.app:/cb' : REDIRECT;
      const body = { application_type, redirect_uris: [redirect], post_logout_redirect_uris: [uri] };
      expect(outcome(register(body, 'permissive'))).toBe('invalid_client_metadata');
    });

    it('accept a private-use scheme for a native client', () => {
      const body = {
        application_type: 'native',
        redirect_uris: ['com.example.app:/cb'],
        post_logout_redirect_uris: ['com.example.app:/logged-out'],
      };
      expect(accepted(register(body, 'permissive')).settings).toMatchObject({
        allowed_logout_urls: ['com.example.app:/logged-out'],
      });
    });
  });

  describe('replacement (RFC 7592 PUT)', () => {
    const current = registeredSettings({ ...WEB, client_name: 'Partner', logo_uri: 'https://cdn.example.com/a.png' });

    it('drops logo_uri when the replacement leaves it out', () => {
      const result = accepted(replace({ ...WEB, client_id: CLIENT_ID, client_name: 'Partner' }, current));
      expect(result.settings).not.toHaveProperty('logo_uri');
      expect(result.settings).toMatchObject({ name: 'Partner', callbacks: [REDIRECT] });
    });

    it('takes a new logo_uri, and never sends the create-only ownership fields', () => {
      const logo = 'https://cdn.example.com/b.png';
      const result = accepted(replace({ ...WEB, client_id: CLIENT_ID, logo_uri: logo }, current));
      expect(result.settings).toMatchObject({ logo_uri: logo, name: CLIENT_ID });
      expect(result.settings).not.toHaveProperty('is_first_party');
      expect(result.settings).not.toHaveProperty('third_party_security_mode');
    });

    it('applies the same rules as a registration', () => {
      const body = { client_id: CLIENT_ID, redirect_uris: ['http://client.example.com/cb'] };
      expect(outcome(replace(body, current))).toBe('invalid_redirect_uri');
      expect(outcome(replace({ ...WEB, client_id: CLIENT_ID, grant_types: ['implicit'] }, current))).toBe(
        'invalid_client_metadata',
      );
    });
  });
});
