import type { FastifyRequest } from 'fastify';
import type { LogEventDraft } from '@roster/logs';

/** Longest user agent kept in a log event (they are free text chosen by the caller). */
const MAX_USER_AGENT = 512;

/** The fields every log event of an HTTP request carries: when, from where, with what, to which host. */
export const requestContext = (
  request: FastifyRequest,
  tenant: string,
  now: Date,
): Pick<LogEventDraft, 'date' | 'ip' | 'user_agent' | 'hostname' | 'tenant_name'> => {
  const userAgent = request.headers['user-agent'];
  return {
    date: now.toISOString(),
    ip: request.ip,
    ...(userAgent ? { user_agent: userAgent.slice(0, MAX_USER_AGENT) } : {}),
    hostname: request.hostname.replace(/:\d+$/, ''),
    tenant_name: tenant,
  };
};
