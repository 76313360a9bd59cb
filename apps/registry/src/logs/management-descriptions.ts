/**
 * Auth0's `description` of a Management API log event, by method and route (below `B/api/v2/`), as data.
 * A route missing here is described by its method and path pattern.
 */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  'GET clients': 'Get clients',
  'POST clients': 'Create a client',
  'GET clients/:id': 'Get a client',
  'PATCH clients/:id': 'Update a client',
  'DELETE clients/:id': 'Delete a client',
  'POST clients/:id/rotate-secret': 'Rotate a client secret',
  'GET clients/:id/connections': 'Get enabled connections for a client',
  'GET connections': 'Get connections',
  'POST connections': 'Create a connection',
  'GET connections/:id': 'Get a connection',
  'PATCH connections/:id': 'Update a connection',
  'DELETE connections/:id': 'Delete a connection',
  'GET connections/:id/clients': 'Get enabled clients for a connection',
  'PATCH connections/:id/clients': 'Update enabled clients for a connection',
  'GET resource-servers': 'Get resource servers',
  'POST resource-servers': 'Create a resource server',
  'GET resource-servers/:id': 'Get a resource server',
  'PATCH resource-servers/:id': 'Update a resource server',
  'DELETE resource-servers/:id': 'Delete a resource server',
  'GET client-grants': 'Get client grants',
  'POST client-grants': 'Create client grant',
  'GET client-grants/:id': 'Get a client grant',
  'PATCH client-grants/:id': 'Update client grant',
  'DELETE client-grants/:id': 'Delete client grant',
  'GET tenants/settings': 'Get tenant settings',
  'PATCH tenants/settings': 'Update tenant settings',
  'GET keys/signing': 'Get signing keys',
  'POST keys/signing/rotate': 'Rotate the signing key',
  'GET tenants': 'Get tenants',
  'POST tenants': 'Create a tenant',
  'GET logs': 'Get logs',
  'GET logs/:id': 'Get a log event',
  'POST logs': 'Report log events',
  'GET log-streams': 'Get log streams',
  'POST log-streams': 'Create a log stream',
  'GET log-streams/:id': 'Get a log stream',
  'PATCH log-streams/:id': 'Update a log stream',
  'DELETE log-streams/:id': 'Delete a log stream',
  'GET initial-access-tokens': 'Get initial access tokens',
  'POST initial-access-tokens': 'Create an initial access token',
  'DELETE initial-access-tokens/:id': 'Delete an initial access token',
};

/** Dynamic Client Registration (RFC 7591) and registration management (RFC 7592), below `B/oidc/`. */
const REGISTRATION_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'POST register': 'Dynamic Client Registration',
  'GET register/:client_id': 'Read a client registration',
  'PUT register/:client_id': 'Update a client registration',
  'DELETE register/:client_id': 'Delete a client registration',
};

const REGISTRATION_ROUTE_PREFIX = '/tenants/:tenant/oidc/';

export const MANAGEMENT_ROUTE_PREFIX = '/tenants/:tenant/api/v2/';

/** `route` is Fastify's route pattern (`/tenants/:tenant/api/v2/clients/:id`), undefined when no route matched. */
export const describeManagementCall = (method: string, route: string | undefined): string => {
  for (const [prefix, table] of [
    [MANAGEMENT_ROUTE_PREFIX, DESCRIPTIONS],
    [REGISTRATION_ROUTE_PREFIX, REGISTRATION_DESCRIPTIONS],
  ] as const) {
    if (!route?.startsWith(prefix)) continue;
    const key = `${method} ${route.slice(prefix.length)}`;
    return table[key] ?? key;
  }
  return 'Unknown API operation';
};
