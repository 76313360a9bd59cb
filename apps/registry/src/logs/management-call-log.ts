import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redactSecrets } from '@roster/logs';
import type { AuthenticatedRequest } from '../auth/management-auth.guard';
import type { RegistrationRequest } from '../registration/registration.routes';
import type { RegistryLookups } from '../tenancy/registry-lookups';
import type { LogWriter } from './log-writer';
import { describeManagementCall } from './management-descriptions';
import { requestContext } from './request-context';
import { logForRequest } from '../http/log-for-request';

/** Request and response bodies larger than this are logged as their size only (a 1,000-event `POST logs`...). */
const MAX_LOGGED_BODY_BYTES = 8 * 1024;

/** The Management API and Dynamic Client Registration (an administrative operation on the tenant's applications). */
const MANAGEMENT_PATH = /^\/tenants\/([^/?#]+)\/(?:api\/v2|oidc\/register)(?:[/?#]|$)/;

/**
 * A body as the log keeps it: redacted, or only its size when larger than the log keeps (measured on the wire, before
 * any work: a 1,000-event `POST logs` is not redacted only to be dropped).
 */
const loggedBody = (body: unknown, wireBytes: number): unknown => {
  if (body === undefined || body === null || body === '') return undefined;
  if (wireBytes > MAX_LOGGED_BODY_BYTES) return { truncated: true, bytes: wireBytes };
  return redactSecrets(body);
};

const requestBytes = (request: FastifyRequest): number => Number(request.headers['content-length'] ?? 0);

const responseBody = (payload: unknown): unknown => {
  if (typeof payload !== 'string' || payload === '') return undefined;
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_LOGGED_BODY_BYTES) return { truncated: true, bytes };
  try {
    return loggedBody(JSON.parse(payload), bytes);
  } catch {
    return undefined;
  }
};

const LOG_UNAVAILABLE = JSON.stringify({
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'The request could not be logged; it may have taken effect. Try again later.',
  errorCode: 'log_unavailable',
});

/**
 * Every Management API call becomes a log event, `sapi` when it succeeded and `fapi` when it failed, stored before
 * the response leaves (Fastify's onSend hook runs after the body is serialised and before it is written). When the
 * log cannot be stored the caller gets a 503 instead of an unlogged answer.
 */
export class ManagementCallLog {
  private readonly logger = new Logger('management-log');

  constructor(
    private readonly writer: LogWriter,
    private readonly lookups: RegistryLookups,
    private readonly now: () => Date = () => new Date(),
  ) {}

  attach(fastify: FastifyInstance): void {
    fastify.addHook('onSend', async (request, reply, payload) => {
      const tenant = MANAGEMENT_PATH.exec(request.url)?.[1];
      if (!tenant) return payload;
      try {
        await this.record(decodeURIComponent(tenant), request, reply, payload);
        return payload;
      } catch (error) {
        logForRequest(request, () =>
          this.logger.error(
            `could not log ${request.method} ${request.routeOptions?.url ?? 'unmatched'}`,
            (error as Error)?.stack,
          ),
        );
        void reply.code(503).header('content-type', 'application/json; charset=utf-8');
        return LOG_UNAVAILABLE;
      }
    });
  }

  private async record(tenant: string, request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    // A tenant that does not exist has no log to write to (and must not get one from a stranger's request).
    if (!(await this.lookups.tenant(tenant).catch(() => undefined))) return;
    const caller = (request as AuthenticatedRequest).caller;
    // A registration call acts for the client it registered or manages.
    const clientId = caller?.clientId ?? (request as RegistrationRequest).registeredClientId;
    const client = clientId ? await this.lookups.application(tenant, clientId).catch(() => undefined) : undefined;
    const registration = request.url.includes('/oidc/register');
    const success = reply.statusCode < 400;
    const [path, query] = request.url.split('?', 2);
    await this.writer.record(tenant, {
      ...requestContext(request, tenant, this.now()),
      type: success ? 'sapi' : 'fapi',
      description: describeManagementCall(request.method, request.routeOptions?.url),
      ...(clientId ? { client_id: clientId } : {}),
      ...(client ? { client_name: client.name } : {}),
      details: {
        request: {
          method: request.method,
          path,
          ...(query ? { query: redactSecrets(Object.fromEntries(new URLSearchParams(query))) } : {}),
          ...(request.body !== undefined ? { body: loggedBody(request.body, requestBytes(request)) } : {}),
          channel: registration ? 'dynamic_client_registration' : 'api',
          ...(caller
            ? { auth: { strategy: 'jwt', credentials: { client_id: caller.clientId, jti: caller.tokenId } } }
            : {}),
        },
        response: { statusCode: reply.statusCode, body: responseBody(payload) },
      },
    });
  }
}
