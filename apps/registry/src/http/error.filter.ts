import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponse, managementErrorResponse, oauthErrorResponse } from './error-shapes';
import { logForRequest } from './log-for-request';

/** OAuth endpoints (token, registration) answer in RFC 6749/7591's shape; everything else in Auth0's. */
export const isOAuthPath = (url: string): boolean => /\/tenants\/[^/]+\/(oauth\/token|oidc\/register)/.test(url);

export const errorResponseFor = (url: string, error: unknown): ErrorResponse<object> =>
  isOAuthPath(url) ? oauthErrorResponse(error) : managementErrorResponse(error);

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = errorResponseFor(request.url, error);
    if (response.status >= 500) {
      logForRequest(request, () =>
        this.logger.error(`${request.method} ${request.routeOptions?.url ?? ''} failed`, (error as Error)?.stack),
      );
    }
    void reply.status(response.status).headers(response.headers).send(response.body);
  }
}
