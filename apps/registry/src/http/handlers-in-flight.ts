import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Makes the server's close wait for the handlers still running. Fastify's close waits for open connections only,
 * and a client that hangs up mid-request leaves its handler running: it may still append a command and its log
 * event, so the stores must not close under it (that would leave a change without its audit log event). A handler
 * is done when its reply goes out (`onSend`, which runs even for a client that has gone, and for requests aborted
 * while their body was read); `onResponse` is a second way out. The wait is bounded, so a request that somehow never
 * reaches either cannot hold the shutdown.
 */
export const closeAfterHandlers = (fastify: FastifyInstance, boundMs: number): void => {
  const running = new Set<FastifyRequest>();
  let idle: (() => void) | undefined;
  const finish = (request: FastifyRequest) => {
    if (running.delete(request) && running.size === 0) idle?.();
  };
  fastify
    .addHook('onRequest', (request, _reply, done) => {
      running.add(request);
      done();
    })
    .addHook('onSend', (request, _reply, payload, done) => {
      finish(request);
      done(null, payload);
    })
    .addHook('onResponse', (request, _reply, done) => {
      finish(request);
      done();
    })
    // onClose hooks run after the server has stopped taking connections (Fastify registers its own first).
    .addHook('onClose', async () => {
      if (running.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        idle = resolve;
        timer = setTimeout(resolve, boundMs);
      });
      clearTimeout(timer);
    });
};
