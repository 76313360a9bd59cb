import { ConsoleLogger, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { RosterError } from '@roster/errors';
import type { MetricsRegistry } from '@roster/observability';
import { ErrorFilter, errorResponseFor } from './error.filter';

/** Raw or percent-encoded C0 controls and DEL. */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_URL = /[\u0000-\u001f\u007f]|%(?:[01][0-9a-f]|7f)/i;

/** Nest's own start-up chatter (one line per module and route) is noise to an operator; everything else is kept. */
class QuietStartupLogger extends ConsoleLogger {
  private static readonly QUIET = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

  override log(message: unknown, context?: string): void {
    if (context && QuietStartupLogger.QUIET.has(context)) return;
    super.log(message, context);
  }
}

export interface HttpAppOptions {
  bodyLimitBytes: number;
  /** Where to count requests and their latency by route (the route pattern, never the raw URL). */
  metrics?: MetricsRegistry;
}

/**
 * Creates a Nest application on Fastify with Roster's HTTP conventions: a body limit, JSON and form bodies (Nest
 * registers both; the token endpoint takes application/x-www-form-urlencoded), and every error — including the framework's own (bad JSON, wrong
 * content type, unknown route) — answered in the API's own error shape.
 */
export const createHttpApp = async (
  module: Type<unknown> | object,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> => {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes,
    // Reject duplicate-key tricks and prototype pollution at parse time.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    trustProxy: false,
    logger: false,
    // Long enough for URL-encoded API identifiers (up to 600 characters) as path parameters.
    maxParamLength: 2048,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as Type<unknown>, adapter, {
    logger: new QuietStartupLogger(),
  });
  // NUL and other control characters have no place in a URL path or query; refuse them before routing, so they
  // never reach a database (PostgreSQL rejects NUL in text) and always get the API's own 400.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      if (CONTROL_IN_URL.test(request.url)) {
        const response = errorResponseFor(
          request.url,
          new RosterError('validation', 'invalid_uri', 'The URL contains a control character'),
        );
        await reply.status(response.status).headers(response.headers).send(response.body);
      }
    });
  if (options.metrics) {
    const requests = options.metrics.counter('roster_http_requests_total', 'HTTP requests by method, route and status');
    const latency = options.metrics.histogram(
      'roster_http_request_duration_seconds',
      'HTTP request latency by method and route',
    );
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onResponse', async (request, reply) => {
        const labels = { method: request.method, route: request.routeOptions?.url ?? 'unmatched' };
        requests.inc({ ...labels, status: String(reply.statusCode) });
        latency.observe(labels, reply.elapsedTime / 1000);
      });
  }
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  return app;
};

export type { INestApplication };
