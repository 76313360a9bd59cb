import type { IncomingMessage } from 'http';
import { INestApplication, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { RosterError } from '@roster/errors';
import { TextLogger, requestIdFrom, type MetricsRegistry } from '@roster/observability';
import { ErrorFilter, errorResponseFor } from './error.filter';
import { closeAfterHandlers } from './handlers-in-flight';

/** Raw or percent-encoded C0 controls and DEL. */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_URL = /[\u0000-\u001f\u007f]|%(?:[01][0-9a-f]|7f)/i;

export const REQUEST_ID_HEADER = 'x-request-id';

/** Longest a close waits for the handlers still running (see `closeAfterHandlers`). */
const HANDLERS_DRAIN_MS = 10_000;

export interface HttpAppOptions {
  bodyLimitBytes: number;
  /** Where to count requests and their latency by route (the route pattern, never the raw URL). */
  metrics?: MetricsRegistry;
  /** The process logger (text or JSON). Default: text. */
  logger?: LoggerService;
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
    // Long enough for URL-encoded API identifiers (up to 600 characters) as path parameters. Under routerOptions:
    // Fastify warns on stderr (a line outside the JSON log) about the top-level form.
    routerOptions: { maxParamLength: 2048 },
    // Every request gets an id (`request.id`): the caller's `X-Request-Id` when well-formed, else a fresh one.
    genReqId: (request: IncomingMessage) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as Type<unknown>, adapter, {
    logger: options.logger ?? new TextLogger(),
  });
  attachRequestIds(app);
  closeAfterHandlers(app.getHttpAdapter().getInstance(), HANDLERS_DRAIN_MS);
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
  // No enableShutdownHooks: runService owns SIGTERM and closes the app first among the things it stops; Nest's own
  // handler would close it a second time, concurrently, and re-raise the signal.
  return app;
};

/** The request id is echoed in the response (see `genReqId`). */
const attachRequestIds = (app: NestFastifyApplication): void => {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
};

export type { INestApplication };
