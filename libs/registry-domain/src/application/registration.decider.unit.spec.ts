import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { ApplicationCommand, RegisterApplication } from './application.commands';
import { applicationDecider } from './application.decider';
import type { ApplicationEvent, ClientRegistration, ClientSettings } from './application.events';

/** RFC 7592 PUT on a dynamically registered application: ReplaceRegistration. */

const spec = DeciderSpecification.for(applicationDecider);
const ids = { tenant: 'acme', client_id: 'dcr_client_1' };
const CALLBACK = 'https://partner.example.com/cb';
const LOGO = 'https://cdn.example.com/partner.png';

/** The Auth0 body a registration maps to (create-only ownership fields included, as on register). */
const DCR_WEB_BODY = {
  name: 'Partner',
  app_type: 'regular_web',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code'],
  callbacks: [CALLBACK],
  allowed_logout_urls: [],
  logo_uri: LOGO,
  is_first_party: false,
  third_party_security_mode: 'strict',
};
const REGISTRATION: ClientRegistration = {
  metadata: { response_types: ['code'], client_uri: 'https://partner.example.com' },
  access_token_hash: 'rat-1',
};

const registered = (settings: unknown, extra: Partial<RegisterApplication['data']> = {}): ApplicationEvent =>
  applicationDecider.decide(
    {
      type: 'RegisterApplication',
      data: {
        ...ids,
        at: AT,
        origin: 'dynamic_registration',
        settings,
        secret_hash: 'hash-1',
        enabled_connections: [],
        registration: REGISTRATION,
        ...extra,
      },
    },
    applicationDecider.initialState(),
  )[0];

const dcrWebApp = () => registered(DCR_WEB_BODY);

/** What a PUT body maps to: the same fields minus the create-only ones, which a replacement never sends. */
const replacementBody = (overrides: Record<string, unknown> = {}) => {
  const { is_first_party: _owner, third_party_security_mode: _mode, ...body } = { ...DCR_WEB_BODY, ...overrides };
  return body;
};

const NEW_REGISTRATION: ClientRegistration = { metadata: { response_types: ['code'] }, access_token_hash: 'rat-2' };

/** `secret_hash` null: a handler that sent none. */
const replace = (settings: unknown, secret_hash: string | null = 'hash-2'): ApplicationCommand => ({
  type: 'ReplaceRegistration',
  data: { ...ids, at: LATER, settings, registration: NEW_REGISTRATION, ...(secret_hash ? { secret_hash } : {}) },
});

const changed = (changes: Record<string, unknown>): ApplicationEvent => ({
  type: 'ApplicationSettingsChanged',
  data: { ...ids, at: LATER, changes },
});
const registrationChanged: ApplicationEvent = {
  type: 'RegistrationChanged',
  data: { ...ids, at: LATER, ...NEW_REGISTRATION },
};

const fold = (events: ApplicationEvent[]) =>
  events.reduce(applicationDecider.evolve, applicationDecider.initialState());

const settingsAfter = (events: ApplicationEvent[]): ClientSettings => {
  const state = fold(events);
  if (state.status !== 'active') throw new Error(`Expected an active application, got ${state.status}`);
  return state.settings;
};

const notFound = rosterError('not_found', 'inexistent_client', 'Client not found.');

describe('application decider: ReplaceRegistration', () => {
  it('emits the settings that changed and the new registration with the new access token hash', () => {
    const other = 'https://partner.example.com/other-cb';
    spec
      .given([dcrWebApp()])
      .when(replace(replacementBody({ callbacks: [other] })))
      .then([changed({ callbacks: [other] }), registrationChanged]);
    const state = fold([dcrWebApp(), changed({ callbacks: [other] }), registrationChanged]);
    expect(state).toMatchObject({ status: 'active', registration: NEW_REGISTRATION, settings: { callbacks: [other] } });
  });

  it('rotates the registration access token even when no setting changes', () => {
    spec.given([dcrWebApp()]).when(replace(replacementBody())).then([registrationChanged]);
  });

  it('carries a logo_uri the replacement leaves out as null, and evolve drops it', () => {
    const { logo_uri: _logo, ...withoutLogo } = replacementBody();
    spec
      .given([dcrWebApp()])
      .when(replace(withoutLogo))
      .then([changed({ logo_uri: null }), registrationChanged]);
    const settings = settingsAfter([dcrWebApp(), changed({ logo_uri: null }), registrationChanged]);
    expect(settings).not.toHaveProperty('logo_uri');
    expect(settings).toMatchObject({ name: 'Partner', callbacks: [CALLBACK] });
  });

  it('gives a public client its first secret when the replacement makes it confidential', () => {
    const spa = registered({ ...DCR_WEB_BODY, app_type: 'spa', token_endpoint_auth_method: 'none' });
    expect(spa.type === 'ApplicationRegistered' && spa.data.secret_hash).toBeNull();
    spec
      .given([spa])
      .when(replace(replacementBody()))
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
        registrationChanged,
      ]);
    spec.given([spa]).when(replace(replacementBody(), null)).thenThrows(rosterError('internal', 'command_contract'));
  });

  it('keeps the secret of a client that was confidential already', () => {
    spec
      .given([dcrWebApp()])
      .when(replace(replacementBody({ token_endpoint_auth_method: 'client_secret_post' })))
      .then([changed({ token_endpoint_auth_method: 'client_secret_post' }), registrationChanged]);
  });

  it('validates the replacement as a change of the application and keeps ownership fixed', () => {
    spec
      .given([dcrWebApp()])
      .when(replace(replacementBody({ grant_types: ['implicit'] })))
      .thenThrows(invalidBody('Invalid grant types: implicit'));
    spec
      .given([dcrWebApp()])
      .when(replace({ ...replacementBody(), is_first_party: true }))
      .thenThrows(
        invalidBody("Payload validation error: 'Property cannot be changed after creation' on property is_first_party"),
      );
  });

  it('reports not found for an application without a registration, a removed one, or none', () => {
    const managed = registered(
      { name: 'Managed', app_type: 'regular_web', callbacks: [CALLBACK] },
      { origin: 'management_api', registration: undefined },
    );
    spec.given([managed]).when(replace(replacementBody())).thenThrows(notFound);
    spec
      .given([dcrWebApp(), { type: 'ApplicationRemoved', data: { ...ids, at: LATER } }])
      .when(replace(replacementBody()))
      .thenThrows(notFound);
    spec.given([]).when(replace(replacementBody())).thenThrows(notFound);
  });
});
