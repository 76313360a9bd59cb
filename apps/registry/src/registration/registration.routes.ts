import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RosterError } from '@roster/errors';
import { oauthErrorResponse } from '../http/error-shapes';
import type { DynamicRegistration, RegistrationAnswer } from './dynamic-registration';
import { logForRequest } from '../http/log-for-request';

/** Client metadata is small; a registration body larger than this is refused before it is parsed (Roster). */
export const REGISTRATION_BODY_LIMIT_BYTES = 64 * 1024;

const isJson = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';', 1)[0].trim().toLowerCase() === 'application/json';

/** The client a registration call concerned, for its log event (see ManagementCallLog). */
export interface RegistrationRequest extends FastifyRequest {
  registeredClientId?: string;
}

/**
 * `B/oidc/register` (RFC 7591) and `B/oidc/register/{client_id}` (RFC 7592), mounted on Fastify directly like the
 * token endpoint: the answers are OAuth's (`{error, error_description}`, `Cache-Control: no-store`), the body limit is
 * the route's own, and the work is all in DynamicRegistration.
 */
export const registerRegistrationRoutes = (fastify: FastifyInstance, registration: DynamicRegistration): void => {
  const logger = new Logger('http');
  const route = (
    method: 'POST' | 'GET' | 'PUT' | 'DELETE',
    url: string,
    serve: (request: FastifyRequest, params: { tenant: string; client_id?: string }) => Promise<RegistrationAnswer>,
  ) =>
    fastify.route({
      method,
      url,
      bodyLimit: REGISTRATION_BODY_LIMIT_BYTES,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const params = request.params as { tenant: string; client_id?: string };
        void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        try {
          // RFC 7591 §3.1: metadata is JSON. A form post is refused, so no web page can register clients through its
          // visitors' browsers (a form needs no CORS preflight).
          if ((method === 'POST' || method === 'PUT') && !isJson(request.headers['content-type'])) {
            throw new RosterError(
              'validation',
              'invalid_client_metadata',
              'The registration must be sent as application/json',
            );
          }
          const answer = await serve(request, params);
          (request as RegistrationRequest).registeredClientId = answer.clientId;
          return reply.status(answer.status).send(answer.body);
        } catch (error) {
          const response = oauthErrorResponse(error);
          if (response.status >= 500) {
            logForRequest(request, () => logger.error(`${method} ${url} failed`, (error as Error)?.stack));
          }
          // RFC 6750 §3: a refused bearer token is announced in WWW-Authenticate.
          if (response.status === 401) void reply.header('www-authenticate', `Bearer error="${response.body.error}"`);
          return reply.status(response.status).headers(response.headers).send(response.body);
        }
      },
    });

  const base = '/tenants/:tenant/oidc/register';
  route('POST', base, (request, { tenant }) =>
    registration.register(tenant, request.body, request.headers.authorization, request.ip),
  );
  route('GET', `${base}/:client_id`, (request, { tenant, client_id }) =>
    registration.read(tenant, client_id as string, request.headers.authorization),
  );
  route('PUT', `${base}/:client_id`, (request, { tenant, client_id }) =>
    registration.replace(tenant, client_id as string, request.body, request.headers.authorization),
  );
  route('DELETE', `${base}/:client_id`, (request, { tenant, client_id }) =>
    registration.remove(tenant, client_id as string, request.headers.authorization),
  );
};
