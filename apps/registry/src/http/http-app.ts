import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ErrorFilter } from './error.filter';

export interface HttpAppOptions {
  bodyLimitBytes: number;
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
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as Type<unknown>, adapter, {
    logger: ['error', 'warn', 'log'],
  });
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  return app;
};

export type { INestApplication };
