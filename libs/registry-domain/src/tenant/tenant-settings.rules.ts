import { checkFields, checkValue, type FieldTable, type StringRule } from '../shared/field-rules';
import { mergeByTable } from '../shared/merge';
import { checkUrlFields, type UrlPolicy } from '../shared/url-rules';
import { payloadViolation, type Violation } from '../shared/violations';
import type { TenantSettings } from './tenant.events';

/** Tenant names: lower-case letters, digits and dashes, 3..63 characters, no dash at either end (a DNS label). */
export const TENANT_NAME_RULE: StringRule = {
  type: 'string',
  minLength: 3,
  maxLength: 63,
  pattern: { regex: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, text: '^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$' },
};

export const tenantNameViolations = (tenant: unknown): Violation[] =>
  checkValue(tenant, TENANT_NAME_RULE, 'tenant', 'create');

const URL_STRING: StringRule = { type: 'string', maxLength: 2048 };
const hours = { type: 'number', minimum: 1, maximum: 8760 } as const;

/** Auth0 tenant settings subset (PATCH /api/v2/tenants/settings); anything else is refused. */
export const TENANT_SETTINGS_RULES: FieldTable = {
  friendly_name: {
    rule: { type: 'string', minLength: 1, maxLength: 255, pattern: { regex: /^[^<>]+$/, text: '^[^<>]+$' } },
  },
  picture_url: { rule: URL_STRING, url: 'logo' },
  support_email: {
    rule: { type: 'string', maxLength: 254, pattern: { regex: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, text: 'email' } },
  },
  support_url: { rule: URL_STRING, url: 'web_page' },
  // Empty string unsets, as in Auth0.
  default_audience: { rule: { type: 'string', maxLength: 600 } },
  default_directory: { rule: { type: 'string', maxLength: 128 } },
  default_redirection_uri: { rule: URL_STRING, url: 'redirect' },
  allowed_logout_urls: { rule: { type: 'array', items: URL_STRING, maxItems: 100, uniqueItems: true }, url: 'logout' },
  enabled_locales: {
    rule: {
      type: 'array',
      items: {
        type: 'string',
        maxLength: 16,
        pattern: { regex: /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, text: 'BCP 47 tag' },
      },
      maxItems: 100,
      uniqueItems: true,
    },
  },
  session_lifetime: { rule: hours },
  idle_session_lifetime: { rule: hours },
  // Roster's own: days the Logs API keeps log events (Auth0 fixes it by plan; Enterprise keeps 30).
  log_retention_days: { rule: { type: 'integer', minimum: 1, maximum: 3650 } },
  dynamic_client_registration_security_mode: { rule: { type: 'enum', values: ['strict', 'permissive'] } },
  // Roster's own: open registration (Auth0) or registration with an initial access token (Keycloak).
  dynamic_client_registration: {
    rule: { type: 'object', fields: { require_initial_access_token: { rule: { type: 'boolean' } } } },
  },
  flags: {
    rule: {
      type: 'object',
      fields: {
        enable_dynamic_client_registration: { rule: { type: 'boolean' } },
        enable_client_connections: { rule: { type: 'boolean' } },
      },
    },
  },
};

/** Auth0's defaults for a new tenant; Dynamic Client Registration is off until an admin turns it on. */
export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  session_lifetime: 168,
  log_retention_days: 30,
  idle_session_lifetime: 72,
  enabled_locales: ['en'],
  flags: { enable_dynamic_client_registration: false, enable_client_connections: true },
};

const tenantUrlPolicy = (kind: string): UrlPolicy =>
  kind === 'logout'
    ? { web: 'web', customScheme: false, wildcard: true }
    : kind === 'redirect'
      ? { web: 'web', customScheme: false, wildcard: false }
      : { web: 'any-http', customScheme: false, wildcard: false };

const crossFieldViolations = (settings: TenantSettings): Violation[] => [
  ...checkUrlFields(settings, TENANT_SETTINGS_RULES, tenantUrlPolicy),
  ...((settings.idle_session_lifetime ?? 0) > (settings.session_lifetime ?? Infinity)
    ? [payloadViolation('idle_session_lifetime', 'Value must not exceed session_lifetime')]
    : []),
];

export type TenantSettingsEvaluation =
  { readonly ok: true; readonly settings: TenantSettings } | { readonly ok: false; readonly violations: Violation[] };

/** Shape pass, merge onto `current` (or the defaults), then cross-field rules on the whole. */
export const evaluateTenantSettings = (input: unknown, current?: TenantSettings): TenantSettingsEvaluation => {
  const shape = checkFields(input, TENANT_SETTINGS_RULES, { mode: current ? 'update' : 'create' });
  if (shape.length > 0) return { ok: false, violations: shape };
  const settings = mergeByTable(current ?? DEFAULT_TENANT_SETTINGS, input as object, TENANT_SETTINGS_RULES);
  const violations = crossFieldViolations(settings);
  return violations.length > 0 ? { ok: false, violations } : { ok: true, settings };
};
