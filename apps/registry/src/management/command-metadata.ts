import type { Caller } from '../auth/management-auth.guard';
import type { CommandMetadata } from '../infrastructure/aggregate-repository';

/** Who changed what, recorded with every event: the client behind the Management API token. */
export const commandMetadata = (caller: Caller): CommandMetadata => ({ actor: caller.clientId });
