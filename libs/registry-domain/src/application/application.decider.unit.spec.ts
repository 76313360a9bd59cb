import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { ApplicationCommand, RegisterApplication } from './application.commands';
import { applicationDecider } from './application.decider';
import type { ApplicationEvent, ApplicationRegistered, ClientSettings } from './application.events';
import { evaluateClientSettings } from './client-settings.rules';

const spec = DeciderSpecification.for(applicationDecider);
const ids = { tenant: 'acme', client_id: 'c1' };

const register = (settings: unknown, extra: Partial<RegisterApplication['data']> = {}): RegisterApplication => ({
  type: 'RegisterApplication',
  data: {
    ...ids,
    at: AT,
    origin: 'management_api',
    settings,
    secret_hash: 'hash-1',
    enabled_connections: ['con_a'],
    ...extra,
  },
});

/** The ApplicationRegistered event a valid body produces (built through the decider itself). */
const registered = (settings: unknown, extra: Partial<RegisterApplication['data']> = {}): ApplicationRegistered =>
  applicationDecider.decide(register(settings, extra), applicationDecider.initialState())[0] as ApplicationRegistered;

const settingsOf = (body: unknown): ClientSettings => {
  const result = evaluateClientSettings(body, { origin: 'management_api' });
  if (!result.ok) throw new Error(JSON.stringify(result.violations));
  return result.settings;
};

const webApp = () => registered({ name: 'Web', app_type: 'regular_web', callbacks: ['https://app.example.com/cb'] });
const spaApp = () => registered({ name: 'SPA', app_type: 'spa' });
const removed: ApplicationEvent = { type: 'ApplicationRemoved', data: { ...ids, at: LATER } };
const notFound = rosterError('not_found', 'inexistent_client', 'Client not found.');

describe('application decider', () => {
  describe('RegisterApplication', () => {
    it('fills in Auth0 defaults for a single-page application and stores no secret', () => {
      spec
        .given([])
        .when(register({ name: 'My SPA', app_type: 'spa' }))
        .then([
          {
            type: 'ApplicationRegistered',
            data: {
              ...ids,
              at: AT,
              origin: 'management_api',
              secret_hash: null,
              enabled_connections: ['con_a'],
              settings: {
                name: 'My SPA',
                app_type: 'spa',
                is_first_party: true,
                oidc_conformant: true,
                token_endpoint_auth_method: 'none',
                grant_types: ['implicit', 'authorization_code', 'refresh_token'],
                callbacks: [],
                allowed_origins: [],
                web_origins: [],
                allowed_logout_urls: [],
                allowed_clients: [],
                client_aliases: [],
                client_metadata: {},
                jwt_configuration: { lifetime_in_seconds: 36000, alg: 'RS256', secret_encoded: false },
                refresh_token: {
                  rotation_type: 'non-rotating',
                  expiration_type: 'non-expiring',
                  leeway: 0,
                  token_lifetime: 31557600,
                  infinite_token_lifetime: true,
                  idle_token_lifetime: 2592000,
                  infinite_idle_token_lifetime: true,
                },
                sso: false,
                sso_disabled: false,
                cross_origin_authentication: false,
                custom_login_page_on: true,
                is_token_endpoint_ip_header_trusted: false,
                organization_usage: 'deny',
                organization_require_behavior: 'no_prompt',
                require_pushed_authorization_requests: false,
              },
            },
          },
        ]);
    });

    it.each([
      ['regular_web', 'client_secret_post', ['implicit', 'authorization_code', 'refresh_token', 'client_credentials']],
      ['non_interactive', 'client_secret_post', ['client_credentials']],
      ['native', 'none', ['implicit', 'authorization_code', 'refresh_token']],
      [undefined, 'client_secret_post', ['implicit', 'authorization_code', 'refresh_token', 'client_credentials']],
    ])('defaults app type %s to auth method %s and grants %j', (app_type, method, grants) => {
      const event = registered({ name: 'App', ...(app_type ? { app_type } : {}) });
      expect(event.data.settings.token_endpoint_auth_method).toBe(method);
      expect(event.data.settings.grant_types).toEqual(grants);
      expect(event.data.secret_hash).toBe(method === 'none' ? null : 'hash-1');
    });

    it('drops client_credentials from the defaults of a regular web app made public', () => {
      const event = registered({ name: 'App', app_type: 'regular_web', token_endpoint_auth_method: 'none' });
      expect(event.data.settings.grant_types).toEqual(['implicit', 'authorization_code', 'refresh_token']);
      expect(event.data.secret_hash).toBeNull();
    });

    it('makes a third-party application strict, without implicit, with expiring refresh tokens and 1 h ID tokens', () => {
      const { settings } = registered({ name: 'Partner', app_type: 'spa', is_first_party: false }).data;
      expect(settings.third_party_security_mode).toBe('strict');
      expect(settings.grant_types).toEqual(['authorization_code', 'refresh_token']);
      expect(settings.refresh_token).toMatchObject({
        rotation_type: 'rotating',
        expiration_type: 'expiring',
        infinite_token_lifetime: false,
      });
      expect(settings.jwt_configuration.lifetime_in_seconds).toBe(3600);
    });

    it('registers dynamically registered applications as third-party with authorization_code only', () => {
      const { settings } = registered(
        { name: 'DCR', app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_basic' },
        { origin: 'dynamic_registration' },
      ).data;
      expect(settings).toMatchObject({
        is_first_party: false,
        third_party_security_mode: 'strict',
        grant_types: ['authorization_code'],
      });
    });

    it('allows client_credentials to a confidential dynamically registered application, not implicit in strict mode', () => {
      const { settings } = registered(
        { name: 'DCR', grant_types: ['client_credentials'] },
        { origin: 'dynamic_registration' },
      ).data;
      expect(settings).toMatchObject({ is_first_party: false, grant_types: ['client_credentials'] });
      spec
        .given([])
        .when(register({ name: 'DCR', grant_types: ['implicit'] }, { origin: 'dynamic_registration' }))
        .thenThrows(invalidBody('Invalid grant types: implicit'));
    });

    it('refuses a body without a name', () => {
      spec
        .given([])
        .when(register({ app_type: 'spa' }))
        .thenThrows(invalidBody("Payload validation error: 'Missing required property: name'"));
    });

    it('refuses to register twice, even after removal', () => {
      spec
        .given([webApp()])
        .when(register({ name: 'Again' }))
        .thenThrows(rosterError('conflict', 'client_conflict'));
      spec
        .given([webApp(), removed])
        .when(register({ name: 'Again' }))
        .thenThrows(rosterError('conflict', 'client_conflict'));
    });

    it('treats a confidential registration without secret hash as a handler bug', () => {
      spec
        .given([])
        .when(register({ name: 'Web' }, { secret_hash: null }))
        .thenThrows(rosterError('internal', 'command_contract'));
    });

    it('refuses duplicate connection ids', () => {
      spec
        .given([])
        .when(register({ name: 'Web' }, { enabled_connections: ['con_a', 'con_a'] }))
        .thenThrows(
          invalidBody(
            "Payload validation error: 'Array items are not unique (indexes 0 and 1)' on property enabled_connections",
          ),
        );
    });

    it('lists every violation in details, the first one as message', () => {
      const error = spec
        .given([])
        .when(register({ name: '', description: 'x'.repeat(141), foo: 1 }))
        .thenThrows(invalidBody("Payload validation error: 'Additional properties not allowed: foo'"));
      expect((error as { details: { violations: { path: string }[] } }).details.violations.map((v) => v.path)).toEqual([
        '',
        'name',
        'description',
      ]);
    });
  });

  describe('UpdateApplication', () => {
    const update = (changes: unknown, secret_hash?: string): ApplicationCommand => ({
      type: 'UpdateApplication',
      data: { ...ids, at: LATER, changes, ...(secret_hash ? { secret_hash } : {}) },
    });
    const changed = (changes: Partial<ClientSettings>): ApplicationEvent => ({
      type: 'ApplicationSettingsChanged',
      data: { ...ids, at: LATER, changes },
    });

    it('emits only the fields that changed', () => {
      spec
        .given([webApp()])
        .when(update({ name: 'Web', description: 'New', callbacks: ['https://app.example.com/cb'] }))
        .then([changed({ description: 'New' })]);
    });

    it('emits nothing when nothing changes', () => {
      spec.given([webApp()]).when(update({})).thenNothingHappened();
      spec
        .given([webApp()])
        .when(update({ name: 'Web', is_first_party: true, app_type: 'regular_web' }))
        .thenNothingHappened();
    });

    it('merges client_metadata, deletes keys set to null, and carries the merged object', () => {
      const withMetadata = registered({ name: 'Web', client_metadata: { a: '1', b: '2' } });
      spec
        .given([withMetadata])
        .when(update({ client_metadata: { b: null, c: '3' } }))
        .then([changed({ client_metadata: { a: '1', c: '3' } })]);
    });

    it('replaces arrays wholesale', () => {
      spec
        .given([webApp()])
        .when(update({ callbacks: ['https://other.example.com/cb'] }))
        .then([changed({ callbacks: ['https://other.example.com/cb'] })]);
    });

    it('merges nested objects and carries the whole merged object', () => {
      spec
        .given([webApp()])
        .when(update({ jwt_configuration: { lifetime_in_seconds: 60 } }))
        .then([changed({ jwt_configuration: { lifetime_in_seconds: 60, alg: 'RS256', secret_encoded: false } })]);
    });

    it('validates the merged result as a whole', () => {
      spec
        .given([webApp()])
        .when(update({ app_type: 'spa' }))
        .thenThrows(invalidBody(/Single-page applications must use token_endpoint_auth_method none/));
      spec
        .given([webApp()])
        .when(update({ app_type: 'spa', token_endpoint_auth_method: 'none' }))
        .thenThrows(invalidBody('Invalid grant types: client_credentials'));
    });

    it('refuses to change ownership or the third-party security mode', () => {
      spec
        .given([webApp()])
        .when(update({ is_first_party: false }))
        .thenThrows(
          invalidBody(
            "Payload validation error: 'Property cannot be changed after creation' on property is_first_party",
          ),
        );
      const partner = registered({ name: 'Partner', is_first_party: false });
      spec
        .given([partner])
        .when(update({ third_party_security_mode: 'permissive' }))
        .thenThrows(invalidBody(/on property third_party_security_mode/));
    });

    it('refuses read-only fields', () => {
      spec
        .given([webApp()])
        .when(update({ client_id: 'other' }))
        .thenThrows(invalidBody("Payload validation error: 'Property is read-only' on property client_id"));
    });

    it('gives a public application its first secret when it becomes confidential', () => {
      spec
        .given([spaApp()])
        .when(update({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_basic' }, 'hash-2'))
        .then([
          changed({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_basic' }),
          {
            type: 'SecretRotated',
            data: {
              ...ids,
              at: LATER,
              secret_hash: 'hash-2',
              previous_secret_hash: null,
              previous_secret_valid_until: null,
            },
          },
        ]);
      spec
        .given([spaApp()])
        .when(update({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_basic' }))
        .thenThrows(rosterError('internal', 'command_contract'));
    });

    it('keeps the secret of a confidential application that goes public and back', () => {
      const toPublic = applicationDecider.decide(
        update({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] }),
        applicationDecider.evolve(applicationDecider.initialState(), webApp()),
      );
      spec
        .given([webApp(), ...toPublic])
        .when(update({ token_endpoint_auth_method: 'client_secret_post' }, 'unused'))
        .then([changed({ token_endpoint_auth_method: 'client_secret_post' })]);
    });

    it('reports an unknown or removed application as Auth0 does', () => {
      spec
        .given([])
        .when(update({ name: 'x' }))
        .thenThrows(notFound);
      spec
        .given([webApp(), removed])
        .when(update({ name: 'x' }))
        .thenThrows(notFound);
    });
  });

  describe('RotateSecret', () => {
    const rotate = (grace_seconds?: number): ApplicationCommand => ({
      type: 'RotateSecret',
      data: { ...ids, at: LATER, secret_hash: 'hash-2', ...(grace_seconds === undefined ? {} : { grace_seconds }) },
    });

    it('revokes the old secret at once by default', () => {
      spec
        .given([webApp()])
        .when(rotate())
        .then([
          {
            type: 'SecretRotated',
            data: {
              ...ids,
              at: LATER,
              secret_hash: 'hash-2',
              previous_secret_hash: null,
              previous_secret_valid_until: null,
            },
          },
        ]);
    });

    it('keeps the old secret valid during a grace period', () => {
      spec
        .given([webApp()])
        .when(rotate(3600))
        .then([
          {
            type: 'SecretRotated',
            data: {
              ...ids,
              at: LATER,
              secret_hash: 'hash-2',
              previous_secret_hash: 'hash-1',
              previous_secret_valid_until: '2026-01-02T01:00:00.000Z',
            },
          },
        ]);
    });

    it.each([-1, 604801, 1.5])('refuses a grace of %s seconds', (grace) => {
      spec
        .given([webApp()])
        .when(rotate(grace))
        .thenThrows(invalidBody(/on property grace_seconds/));
    });

    it('refuses to rotate the secret of a public application', () => {
      spec
        .given([spaApp()])
        .when(rotate())
        .thenThrows(invalidBody(/have no client secret to rotate/));
    });

    it('reports an unknown application', () => {
      spec.given([]).when(rotate()).thenThrows(notFound);
    });
  });

  describe('ChangeConnections', () => {
    const connections = (enabled_connections: string[]): ApplicationCommand => ({
      type: 'ChangeConnections',
      data: { ...ids, at: LATER, enabled_connections },
    });

    it('emits the full new list with what was added and removed', () => {
      spec
        .given([webApp()])
        .when(connections(['con_b', 'con_c']))
        .then([
          {
            type: 'ConnectionsChanged',
            data: {
              ...ids,
              at: LATER,
              enabled_connections: ['con_b', 'con_c'],
              added: ['con_b', 'con_c'],
              removed: ['con_a'],
            },
          },
        ]);
    });

    it('emits nothing for the same set', () => {
      const two = registered({ name: 'Web' }, { enabled_connections: ['con_a', 'con_b'] });
      spec
        .given([two])
        .when(connections(['con_b', 'con_a']))
        .thenNothingHappened();
    });

    it('reports an unknown application', () => {
      spec.given([]).when(connections([])).thenThrows(notFound);
    });
  });

  describe('RemoveApplication', () => {
    const remove: ApplicationCommand = { type: 'RemoveApplication', data: { ...ids, at: LATER } };

    it('removes an application once', () => {
      spec.given([webApp()]).when(remove).then([removed]);
      spec.given([webApp(), removed]).when(remove).thenThrows(notFound);
    });
  });

  it('folds registration and changes into the current settings', () => {
    const events: ApplicationEvent[] = [
      webApp(),
      { type: 'ApplicationSettingsChanged', data: { ...ids, at: LATER, changes: { description: 'd' } } },
    ];
    const state = events.reduce(applicationDecider.evolve, applicationDecider.initialState());
    expect(state).toMatchObject({
      status: 'active',
      settings: { ...settingsOf({ name: 'Web', callbacks: ['https://app.example.com/cb'] }), description: 'd' },
    });
  });
});
