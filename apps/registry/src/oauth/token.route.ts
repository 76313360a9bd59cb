import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { oauthErrorResponse } from '../http/error-shapes';
import type { TokenExchangeLog } from '../logs/token-exchange-log';
import { parseTokenRequest } from './token-request';
import { TokenOutcome, TokenService } from './token.service';
import { logForRequest } from '../http/log-for-request';

/** RFC 6749 §5.2 has no code for "could not log": the server is temporarily unable to answer. */
const LOG_UNAVAILABLE = {
  error: 'temporarily_unavailable',
  error_description: 'The request could not be logged; try again later',
};

/**
 * `B/oauth/token`: RFC 6749 §4.4 client credentials, answered per §5.1 / §5.2.
 *
 * The one route mounted on Fastify directly rather than through a Nest controller: it is the hot path (thousands of
 * requests a second), has no guard, pipe or interceptor to run, and Nest's per-request machinery was a fifth of its
 * cost. Everything it does is in TokenService; this is only the HTTP binding. Each answer waits for its log event
 * (`seccft` / `feccft`) to be stored.
 */
export const registerTokenRoute = (fastify: FastifyInstance, tokens: TokenService, log: TokenExchangeLog): void => {
  const logger = new Logger('http');
  fastify.post('/tenants/:tenant/oauth/token', async (request: FastifyRequest, reply: FastifyReply) => {
    const { tenant } = request.params as { tenant: string };
    const authorization = request.headers.authorization;
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const outcome: TokenOutcome = { clientId: '' };
    let status = 200;
    let body: object;
    try {
      const parsed = parseTokenRequest(request.body, authorization);
      outcome.clientId = parsed.clientId;
      body = await tokens.issue(tenant, parsed, request.ip, outcome);
    } catch (error) {
      const response = oauthErrorResponse(error);
      // Like the Nest error filter: server faults are logged with the route only, never the form (it holds the secret).
      if (response.status >= 500) {
        logForRequest(request, () => logger.error('POST /tenants/:tenant/oauth/token failed', (error as Error)?.stack));
      }
      // RFC 6749 §5.2: a client that tried HTTP Basic gets the scheme back with its 401.
      if (response.status === 401 && authorization && /^basic /i.test(authorization)) {
        void reply.header('www-authenticate', `Basic realm="${tenant}"`);
      }
      void reply.headers(response.headers);
      status = response.status;
      body = response.body;
    }
    try {
      await log.record(tenant, request, outcome, status === 200 ? undefined : (body as typeof LOG_UNAVAILABLE));
    } catch (error) {
      logForRequest(request, () =>
        logger.error('POST /tenants/:tenant/oauth/token could not be logged', (error as Error)?.stack),
      );
      return reply.status(503).send(LOG_UNAVAILABLE);
    }
    return reply.status(status).send(body);
  });
};
