import type { FastifyRequest } from 'fastify';
import { logTypeOf } from '@roster/logs';
import type { TokenOutcome } from '../oauth/token.service';
import type { RegistryLookups } from '../tenancy/registry-lookups';
import type { LogWriter } from './log-writer';
import { requestContext } from './request-context';

/**
 * Until the client has authenticated, its client_id is only the caller's text, and a caller who swapped the fields
 * sent a secret there: it is logged only when no longer than a client id (Roster's are 32 characters, secrets 64).
 */
const MAX_UNKNOWN_CLIENT_ID = 40;

/**
 * The log event of a client-credentials token request: `seccft` or `feccft` with the reason, audience and scope.
 * Built from the outcome the token service noted, which never holds the presented secret.
 */
export class TokenExchangeLog {
  constructor(
    private readonly writer: LogWriter,
    private readonly lookups: RegistryLookups,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Resolves once stored; does nothing for a tenant that does not exist. */
  async record(
    tenant: string,
    request: FastifyRequest,
    outcome: TokenOutcome,
    failure?: { error: string; error_description: string },
  ): Promise<void> {
    if (!(await this.lookups.tenant(tenant))) return;
    const type = failure ? 'feccft' : 'seccft';
    await this.writer.record(tenant, {
      ...requestContext(request, tenant, this.now()),
      type,
      description: failure ? failure.error_description : (logTypeOf(type)?.detail ?? logTypeOf(type)?.description),
      ...(outcome.clientId && (outcome.clientName !== undefined || outcome.clientId.length <= MAX_UNKNOWN_CLIENT_ID)
        ? { client_id: outcome.clientId }
        : {}),
      ...(outcome.clientName ? { client_name: outcome.clientName } : {}),
      ...(outcome.audience ? { audience: outcome.audience } : {}),
      ...(outcome.scope !== undefined ? { scope: outcome.scope } : {}),
      details: failure
        ? {
            reason: outcome.failure ?? 'invalid_request',
            error: failure.error,
            error_description: failure.error_description,
          }
        : { grant_type: 'client_credentials' },
    });
  }
}
