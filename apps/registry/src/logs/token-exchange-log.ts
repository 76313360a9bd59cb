import type { FastifyRequest } from 'fastify';
import { logTypeOf, type LogEventDraft } from '@roster/logs';
import type { TokenOutcome } from '../oauth/token.service';
import type { RegistryLookups } from '../tenancy/registry-lookups';
import type { LogWriter } from './log-writer';
import { requestContext } from './request-context';

/**
 * Until the client has authenticated, its client_id is only the caller's text, and a caller who swapped the fields
 * sent a secret there: it is logged only when no longer than a client id (Roster's are 32 characters, secrets 64).
 */
const MAX_UNKNOWN_CLIENT_ID = 40;

const SUCCESS_DESCRIPTION = logTypeOf('seccft')?.detail ?? logTypeOf('seccft')?.description;

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
    const { clientId } = outcome;
    const context = requestContext(request, tenant, this.now());
    // One plain object literal of fixed shape, absent fields undefined (left out when stored as JSON): this runs for
    // every token request, and V8 adds properties to a spread copy slowly (about 10 µs a request here).
    const draft: LogEventDraft = {
      date: context.date,
      ip: context.ip,
      user_agent: context.user_agent,
      hostname: context.hostname,
      tenant_name: context.tenant_name,
      type: failure ? 'feccft' : 'seccft',
      description: failure ? failure.error_description : SUCCESS_DESCRIPTION,
      client_id:
        clientId && (outcome.clientName !== undefined || clientId.length <= MAX_UNKNOWN_CLIENT_ID)
          ? clientId
          : undefined,
      client_name: outcome.clientName || undefined,
      audience: outcome.audience || undefined,
      scope: outcome.scope,
      details: failure
        ? {
            reason: outcome.failure ?? 'invalid_request',
            error: failure.error,
            error_description: failure.error_description,
          }
        : { grant_type: 'client_credentials' },
    };
    await this.writer.record(tenant, draft);
  }
}
