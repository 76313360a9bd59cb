/** Auth0's Management API scopes that Roster serves, plus the operator scopes of the `default` tenant. */
export const MANAGEMENT_SCOPES = [
  'read:clients',
  'create:clients',
  'update:clients',
  'delete:clients',
  'read:client_keys',
  'update:client_keys',
  'read:client_summary',
  'read:connections',
  'create:connections',
  'update:connections',
  'delete:connections',
  'read:resource_servers',
  'create:resource_servers',
  'update:resource_servers',
  'delete:resource_servers',
  'read:client_grants',
  'create:client_grants',
  'update:client_grants',
  'delete:client_grants',
  'read:tenant_settings',
  'update:tenant_settings',
  'read:signing_keys',
  'create:signing_keys',
  'update:signing_keys',
  'read:logs',
  'read:logs_users',
  'create:logs',
  'read:log_streams',
  'create:log_streams',
  'update:log_streams',
  'delete:log_streams',
  // Roster's own (Keycloak's initial access tokens for Dynamic Client Registration).
  'read:initial_access_tokens',
  'create:initial_access_tokens',
  'delete:initial_access_tokens',
] as const;

/** Only meaningful on the operator tenant (`default`): create and list tenants. */
export const OPERATOR_SCOPES = ['read:tenants', 'create:tenants'] as const;

export const OPERATOR_TENANT = 'default';

export type ManagementScope = (typeof MANAGEMENT_SCOPES)[number] | (typeof OPERATOR_SCOPES)[number];

export const managementScopesFor = (tenant: string): string[] =>
  tenant === OPERATOR_TENANT ? [...MANAGEMENT_SCOPES, ...OPERATOR_SCOPES] : [...MANAGEMENT_SCOPES];

export const managementAudience = (tenantBase: string): string => `${tenantBase}/api/v2/`;
