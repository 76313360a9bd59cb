import { DeciderSpecification } from '../../../testing/src/decider-specification';
import { AT, LATER, invalidBody, rosterError } from '../test-support';
import type { TenantCommand } from './tenant.commands';
import { tenantDecider } from './tenant.decider';
import type { PublicSigningJwk, TenantEvent } from './tenant.events';
import { DEFAULT_TENANT_SETTINGS } from './tenant-settings.rules';

const spec = DeciderSpecification.for(tenantDecider);
const create = (tenant = 'acme', settings?: unknown): TenantCommand => ({
  type: 'CreateTenant',
  data: { tenant, at: AT, ...(settings === undefined ? {} : { settings }) },
});
const change = (changes: unknown): TenantCommand => ({
  type: 'ChangeTenantSettings',
  data: { tenant: 'acme', at: LATER, changes },
});
const created: TenantEvent = {
  type: 'TenantCreated',
  data: { tenant: 'acme', at: AT, settings: DEFAULT_TENANT_SETTINGS },
};

const jwk = (kid: string, extra: Record<string, unknown> = {}): PublicSigningJwk =>
  ({
    kty: 'EC',
    crv: 'P-256',
    x: 'x'.repeat(43),
    y: 'y'.repeat(43),
    kid,
    alg: 'ES256',
    use: 'sig',
    ...extra,
  }) as PublicSigningJwk;
const rotate = (
  kid: string,
  extra: Partial<Extract<TenantCommand, { type: 'RotateSigningKey' }>['data']> = {},
): TenantCommand => ({
  type: 'RotateSigningKey',
  data: { tenant: 'acme', at: LATER, kid, public_jwk: jwk(kid), sealed_private_key: 'sealed', ...extra },
});
const rotated = (kid: string, previous_kid: string | null, previous_key_valid_until: string | null): TenantEvent => ({
  type: 'SigningKeyRotated',
  data: {
    tenant: 'acme',
    at: LATER,
    kid,
    alg: 'ES256',
    public_jwk: jwk(kid),
    sealed_private_key: 'sealed',
    previous_kid,
    previous_key_valid_until,
  },
});

describe('tenant decider', () => {
  describe('CreateTenant', () => {
    it('creates a tenant with Auth0 defaults and dynamic registration off', () => {
      spec.given([]).when(create()).then([created]);
      expect(DEFAULT_TENANT_SETTINGS.flags.enable_dynamic_client_registration).toBe(false);
    });

    it('applies given settings over the defaults', () => {
      spec
        .given([])
        .when(create('acme', { friendly_name: 'Acme', flags: { enable_dynamic_client_registration: true } }))
        .then([
          {
            type: 'TenantCreated',
            data: {
              tenant: 'acme',
              at: AT,
              settings: {
                ...DEFAULT_TENANT_SETTINGS,
                friendly_name: 'Acme',
                flags: { enable_dynamic_client_registration: true, enable_client_connections: true },
              },
            },
          },
        ]);
    });

    it.each([
      ['ab', "Payload validation error: 'String is too short (2 chars), minimum 3' on property tenant"],
      ['x'.repeat(64), "Payload validation error: 'String is too long (64 chars), maximum 63' on property tenant"],
      ['Acme', /String does not match pattern/],
      ['-acme', /String does not match pattern/],
      ['acme-', /String does not match pattern/],
      ['ac:me', /String does not match pattern/],
    ])('refuses the tenant name %j', (name, message) => {
      spec.given([]).when(create(name)).thenThrows(invalidBody(message));
    });

    it('accepts the bootstrap name and names with dashes', () => {
      spec
        .given([])
        .when(create('default'))
        .then([{ ...created, data: { ...created.data, tenant: 'default' } } as TenantEvent]);
      expect(tenantDecider.decide(create('my-tenant-2'), tenantDecider.initialState())).toHaveLength(1);
    });

    it('refuses to create a tenant twice', () => {
      spec.given([created]).when(create()).thenThrows(rosterError('conflict', 'tenant_conflict'));
    });
  });

  describe('ChangeTenantSettings', () => {
    it('emits only the changed fields, with flags carried whole', () => {
      spec
        .given([created])
        .when(
          change({ friendly_name: 'Acme', session_lifetime: 168, flags: { enable_dynamic_client_registration: true } }),
        )
        .then([
          {
            type: 'TenantSettingsChanged',
            data: {
              tenant: 'acme',
              at: LATER,
              changes: {
                friendly_name: 'Acme',
                flags: { enable_dynamic_client_registration: true, enable_client_connections: true },
              },
            },
          },
        ]);
    });

    it('emits nothing when nothing changes', () => {
      spec
        .given([created])
        .when(change({ session_lifetime: 168, flags: { enable_client_connections: true } }))
        .thenNothingHappened();
    });

    it.each([
      [{ foo: 1 }, "Payload validation error: 'Additional properties not allowed: foo'"],
      [
        { flags: { enable_everything: true } },
        "Payload validation error: 'Additional properties not allowed: enable_everything' on property flags",
      ],
      [
        { flags: { enable_dynamic_client_registration: 'yes' } },
        "Payload validation error: 'Expected type boolean but found type string' on property flags.enable_dynamic_client_registration",
      ],
      [
        { support_email: 'not-an-email' },
        "Payload validation error: 'String does not match pattern email' on property support_email",
      ],
      [
        { support_url: 'javascript:alert(1)' },
        "Payload validation error: 'Scheme javascript is not allowed' on property support_url",
      ],
      [
        { default_redirection_uri: 'http://example.com/' },
        "Payload validation error: 'URL must use https (http is only allowed for loopback hosts)' on property default_redirection_uri",
      ],
      [
        { session_lifetime: 0 },
        "Payload validation error: 'Value 0 is less than minimum 1' on property session_lifetime",
      ],
      [
        { idle_session_lifetime: 200 },
        "Payload validation error: 'Value must not exceed session_lifetime' on property idle_session_lifetime",
      ],
      [
        { friendly_name: 'a\u0000b' },
        "Payload validation error: 'String contains control characters' on property friendly_name",
      ],
    ])('refuses %j', (changes, message) => {
      spec.given([created]).when(change(changes)).thenThrows(invalidBody(message));
    });

    it('reports an unknown tenant', () => {
      spec
        .given([])
        .when(change({ friendly_name: 'x' }))
        .thenThrows(rosterError('not_found', 'inexistent_tenant'));
    });
  });

  describe('RotateSigningKey', () => {
    it('installs the first key with no previous one', () => {
      spec
        .given([created])
        .when(rotate('k1'))
        .then([rotated('k1', null, null)]);
    });

    it('keeps the previous key published for the grace period (one day by default)', () => {
      spec
        .given([created, rotated('k1', null, null)])
        .when(rotate('k2'))
        .then([rotated('k2', 'k1', '2026-01-03T00:00:00.000Z')]);
      spec
        .given([created, rotated('k1', null, null)])
        .when(rotate('k2', { previous_key_grace_seconds: 0 }))
        .then([rotated('k2', 'k1', LATER)]);
    });

    it('never publishes a private key part', () => {
      spec
        .given([created])
        .when(rotate('k1', { public_jwk: jwk('k1', { d: 'secret' }) }))
        .thenThrows(rosterError('internal', 'command_contract', /Additional properties not allowed: d/));
    });

    it('refuses a JWK whose kid differs, a reused kid, or a bad grace', () => {
      spec
        .given([created])
        .when(rotate('k1', { public_jwk: jwk('other') }))
        .thenThrows(rosterError('internal', 'command_contract'));
      spec
        .given([created, rotated('k1', null, null)])
        .when(rotate('k1'))
        .thenThrows(rosterError('internal', 'command_contract'));
      spec
        .given([created])
        .when(rotate('k1', { previous_key_grace_seconds: -5 }))
        .thenThrows(invalidBody(/previous_key_grace_seconds/));
    });

    it('reports an unknown tenant', () => {
      spec.given([]).when(rotate('k1')).thenThrows(rosterError('not_found', 'inexistent_tenant'));
    });
  });
});
