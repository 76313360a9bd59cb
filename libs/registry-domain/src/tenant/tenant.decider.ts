import type { Decider } from '../decider';
import { assertNever, conflict, contractBroken, notFound } from '../shared/domain-errors';
import { checkFields, checkValue, type FieldTable } from '../shared/field-rules';
import { addSeconds, changedFields, isEmpty } from '../shared/values';
import { throwIfViolations, validationError } from '../shared/violations';
import type { ChangeTenantSettings, CreateTenant, RotateSigningKey, TenantCommand } from './tenant.commands';
import type { TenantEvent, TenantSettings } from './tenant.events';
import { evaluateTenantSettings, tenantNameViolations } from './tenant-settings.rules';

export type TenantState =
  { status: 'absent' } | { status: 'active'; tenant: string; settings: TenantSettings; signing_kid: string | null };

type ActiveTenant = Extract<TenantState, { status: 'active' }>;

export const DEFAULT_PREVIOUS_KEY_GRACE_SECONDS = 86400;

/** The public half of an ES256 key, exactly: anything else (a private `d` above all) must never be published. */
const PUBLIC_JWK_RULES: FieldTable = {
  kty: { requiredOnCreate: true, rule: { type: 'enum', values: ['EC'] } },
  crv: { requiredOnCreate: true, rule: { type: 'enum', values: ['P-256'] } },
  x: {
    requiredOnCreate: true,
    rule: { type: 'string', minLength: 43, maxLength: 43, pattern: { regex: /^[A-Za-z0-9_-]+$/, text: 'base64url' } },
  },
  y: {
    requiredOnCreate: true,
    rule: { type: 'string', minLength: 43, maxLength: 43, pattern: { regex: /^[A-Za-z0-9_-]+$/, text: 'base64url' } },
  },
  kid: { requiredOnCreate: true, rule: { type: 'string', minLength: 1, maxLength: 128 } },
  alg: { requiredOnCreate: true, rule: { type: 'enum', values: ['ES256'] } },
  use: { requiredOnCreate: true, rule: { type: 'enum', values: ['sig'] } },
};

const requireActive = (state: TenantState): ActiveTenant => {
  if (state.status !== 'active') throw notFound('inexistent_tenant', 'Tenant not found.');
  return state;
};

const settingsOrThrow = (input: unknown, current?: TenantSettings): TenantSettings => {
  const result = evaluateTenantSettings(input, current);
  if (!result.ok) throw validationError(result.violations);
  return result.settings;
};

const create = ({ data }: CreateTenant, state: TenantState): TenantEvent[] => {
  if (state.status !== 'absent') throw conflict('tenant_conflict', `Tenant ${data.tenant} already exists`);
  throwIfViolations(tenantNameViolations(data.tenant));
  const settings = settingsOrThrow(data.settings ?? {});
  return [{ type: 'TenantCreated', data: { tenant: data.tenant, at: data.at, settings } }];
};

const changeSettings = ({ data }: ChangeTenantSettings, state: TenantState): TenantEvent[] => {
  const tenant = requireActive(state);
  const changes = changedFields(tenant.settings, settingsOrThrow(data.changes, tenant.settings));
  if (isEmpty(changes)) return [];
  return [{ type: 'TenantSettingsChanged', data: { tenant: tenant.tenant, at: data.at, changes } }];
};

const rotateSigningKey = ({ data }: RotateSigningKey, state: TenantState): TenantEvent[] => {
  const tenant = requireActive(state);
  const jwkProblems = checkFields(data.public_jwk, PUBLIC_JWK_RULES, { mode: 'create' }, 'public_jwk');
  if (jwkProblems.length > 0 || data.public_jwk.kid !== data.kid || !data.sealed_private_key) {
    throw contractBroken(
      `RotateSigningKey needs a public ES256 JWK matching kid and a sealed private key: ${jwkProblems.map((v) => v.message).join('; ')}`,
    );
  }
  if (data.kid === tenant.signing_kid) throw contractBroken('RotateSigningKey needs a new kid');
  const grace = data.previous_key_grace_seconds ?? DEFAULT_PREVIOUS_KEY_GRACE_SECONDS;
  throwIfViolations(
    checkValue(grace, { type: 'integer', minimum: 0, maximum: 2592000 }, 'previous_key_grace_seconds', 'create'),
  );
  const previous = tenant.signing_kid;
  return [
    {
      type: 'SigningKeyRotated',
      data: {
        tenant: tenant.tenant,
        at: data.at,
        kid: data.kid,
        alg: 'ES256',
        public_jwk: data.public_jwk,
        sealed_private_key: data.sealed_private_key,
        previous_kid: previous,
        // Readers drop the previous key from the JWKS once this time has passed (equal to `at` for grace 0).
        previous_key_valid_until: previous === null ? null : addSeconds(data.at, grace),
      },
    },
  ];
};

const decide = (command: TenantCommand, state: TenantState): TenantEvent[] => {
  switch (command.type) {
    case 'CreateTenant':
      return create(command, state);
    case 'ChangeTenantSettings':
      return changeSettings(command, state);
    case 'RotateSigningKey':
      return rotateSigningKey(command, state);
    default:
      return assertNever(command);
  }
};

const evolve = (state: TenantState, event: TenantEvent): TenantState => {
  switch (event.type) {
    case 'TenantCreated':
      return { status: 'active', tenant: event.data.tenant, settings: event.data.settings, signing_kid: null };
    case 'TenantSettingsChanged':
      return state.status === 'active' ? { ...state, settings: { ...state.settings, ...event.data.changes } } : state;
    case 'SigningKeyRotated':
      return state.status === 'active' ? { ...state, signing_kid: event.data.kid } : state;
    default:
      return assertNever(event);
  }
};

export const tenantDecider: Decider<TenantCommand, TenantEvent, TenantState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
