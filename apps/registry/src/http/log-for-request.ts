import type { FastifyRequest } from 'fastify';
import { runInRequestContext } from '@roster/observability';

/** Runs `log` as a line of `request`'s: what it logs names the request id (see runInRequestContext). */
export const logForRequest = (request: FastifyRequest, log: () => void): void =>
  runInRequestContext({ requestId: request.id }, log);
