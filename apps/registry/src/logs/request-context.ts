import type { FastifyRequest } from 'fastify';
import type { LogEventDraft } from '@roster/logs';

/** Longest user agent kept in a log event (they are free text chosen by the caller). */
const MAX_USER_AGENT = 512;

let lastMillis = NaN;
let lastIso = '';
/** toISOString costs a few µs, and under load many requests share a millisecond: they share its string too. */
const isoDate = (date: Date): string => {
  const millis = date.getTime();
  if (millis !== lastMillis) {
    lastMillis = millis;
    lastIso = date.toISOString();
  }
  return lastIso;
};

/**
 * The fields every log event of an HTTP request carries: when, from where, with what, to which host. Always the same
 * keys (an unknown one is undefined, left out when stored as JSON), so the objects built from it keep one shape.
 */
export const requestContext = (
  request: FastifyRequest,
  tenant: string,
  now: Date,
): Pick<LogEventDraft, 'date' | 'ip' | 'user_agent' | 'hostname' | 'tenant_name'> => {
  const userAgent = request.headers['user-agent'];
  return {
    date: isoDate(now),
    ip: request.ip,
    user_agent: userAgent ? userAgent.slice(0, MAX_USER_AGENT) : undefined,
    hostname: request.hostname.replace(/:\d+$/, ''),
    tenant_name: tenant,
  };
};
