import type { Caller } from '../auth/management-auth.guard';
import type { CommandMetadata } from '../infrastructure/aggregate-repository';

/**
 * Who changed what, recorded with every event: the client behind the Management API token, and the request's
 * X-Request-Id, so an event leads back to the log lines of the call that made it.
 */
export const commandMetadata = (caller: Caller): CommandMetadata =>
  caller.requestId ? { actor: caller.clientId, request_id: caller.requestId } : { actor: caller.clientId };
