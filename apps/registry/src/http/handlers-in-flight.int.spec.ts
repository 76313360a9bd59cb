import { request } from 'http';
import type { AddressInfo } from 'net';
import Fastify, { type FastifyInstance } from 'fastify';
import { closeAfterHandlers } from './handlers-in-flight';

/** A GET that the client abandons after `abandonAfterMs`, as a client that gives up or dies does. */
const abandonedGet = (app: FastifyInstance, abandonAfterMs: number): void => {
  const req = request({ port: (app.server.address() as AddressInfo).port, path: '/slow' });
  req.on('error', () => undefined);
  req.end();
  setTimeout(() => req.destroy(), abandonAfterMs);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('closeAfterHandlers', () => {
  it('given a handler still running for a client that hung up, when the server closes, then close waits for it', async () => {
    const events: string[] = [];
    const app = Fastify();
    closeAfterHandlers(app, 5_000);
    app.get('/slow', async () => {
      await sleep(300);
      events.push('handler done');
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    abandonedGet(app, 50);
    await sleep(100);

    await app.close();
    events.push('closed');

    expect(events).toEqual(['handler done', 'closed']);
  });

  it('given no request in flight, when the server closes, then close does not wait', async () => {
    const app = Fastify();
    // A close that waited for this bound would outlast the test's timeout.
    closeAfterHandlers(app, 60_000);
    app.get('/fast', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await app.inject({ method: 'GET', url: '/fast' })).statusCode).toBe(200);

    await expect(app.close()).resolves.toBeUndefined();
  });

  it('given a handler that never ends, when the server closes, then close gives up after the bound', async () => {
    const app = Fastify();
    closeAfterHandlers(app, 200);
    app.get('/slow', () => new Promise(() => undefined));
    await app.listen({ port: 0, host: '127.0.0.1' });
    abandonedGet(app, 50);
    await sleep(100);

    await expect(app.close()).resolves.toBeUndefined();
  });
});
