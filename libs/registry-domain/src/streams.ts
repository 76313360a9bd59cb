/**
 * Stream ids, `<category>-<tenant>:<id>`: EventStoreDB takes the part before the first '-' as the category, and a
 * tenant name never contains ':', so the id part is unambiguous.
 */
export const tenantStream = (tenant: string): string => `tenant-${tenant}`;
export const applicationStream = (tenant: string, clientId: string): string => `application-${tenant}:${clientId}`;
export const connectionStream = (tenant: string, connectionId: string): string =>
  `connection-${tenant}:${connectionId}`;
export const resourceServerStream = (tenant: string, resourceServerId: string): string =>
  `resource-server-${tenant}:${resourceServerId}`;
export const clientGrantStream = (tenant: string, clientGrantId: string): string =>
  `client-grant-${tenant}:${clientGrantId}`;
/** `log-stream-` is not `logs-` (the log events' streams): prefix filters keep the two apart. */
export const logStreamStream = (tenant: string, logStreamId: string): string => `log-stream-${tenant}:${logStreamId}`;
/** Every initial access token of a tenant in one stream (see initial-access-token.events.ts). */
export const initialAccessTokensStream = (tenant: string): string => `initial-access-tokens-${tenant}`;
