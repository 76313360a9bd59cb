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
};

export const MANAGEMENT_ROUTE_PREFIX = '/tenants/:tenant/api/v2/';

/** `route` is Fastify's route pattern (`/tenants/:tenant/api/v2/clients/:id`), undefined when no route matched. */
export const describeManagementCall = (method: string, route: string | undefined): string => {
  if (!route?.startsWith(MANAGEMENT_ROUTE_PREFIX)) return 'Unknown API operation';
  const key = `${method} ${route.slice(MANAGEMENT_ROUTE_PREFIX.length)}`;
  return DESCRIPTIONS[key] ?? key;
};
