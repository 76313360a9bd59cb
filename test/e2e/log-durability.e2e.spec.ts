import { mkdtemp, readFile, rm } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import type { LogEvent } from '@roster/logs';
import { BootstrapCredentials, fetchToken, freePort, managementClient } from '../support/roster-instance';
import { DIST, NodeService, ensureFreshBuild, sleep } from '../split-mode/node-service';

/**
 * "Durable before acknowledged": the all-in-one process is killed with SIGKILL while requests are in flight; after a
 * restart on the same data, every request that got an answer has its log event. Each request carries its own
 * User-Agent, which its log event records.
 */
describe('log durability across SIGKILL', () => {
  let dataDir: string;
  let service: NodeService | undefined;

  beforeAll(async () => {
    ensureFreshBuild();
    dataDir = await mkdtemp(path.join(tmpdir(), 'roster-durability-'));
  });
  afterAll(async () => {
    if (service?.running) await service.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the log event of every acknowledged token request and management call', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/tenants/default`;
    const env = { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir };
    service = new NodeService('all-in-one', DIST.allInOne, env, port);
    service.start();
    await service.waitReady(60_000);
    const bootstrap = JSON.parse(
      await readFile(path.join(dataDir, 'bootstrap-credentials.json'), 'utf8'),
    ) as BootstrapCredentials;
    const token = await fetchToken(
      bootstrap.token_endpoint,
      bootstrap.client_id,
      bootstrap.client_secret,
      bootstrap.audience,
    );

    const acknowledged: string[] = [];
    let stop = false;
    let sequence = 0;
    const worker = async (lane: number) => {
      while (!stop) {
        const userAgent = `durability/${lane}/${sequence++}`;
        const request =
          sequence % 3 === 0
            ? fetch(`${base}/api/v2/clients?per_page=1`, {
                headers: { authorization: `Bearer ${token}`, 'user-agent': userAgent },
              })
            : fetch(`${base}/oauth/token`, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent },
                body: new URLSearchParams({
                  grant_type: 'client_credentials',
                  client_id: bootstrap.client_id,
                  // Every other token request fails on purpose: failures must be logged durably too.
                  client_secret: sequence % 2 === 0 ? bootstrap.client_secret : 'wrong',
                  audience: bootstrap.audience,
                }).toString(),
              });
        try {
          const response = await request;
          await response.arrayBuffer();
          if (response.status !== 503) acknowledged.push(userAgent);
        } catch {
          return; // the process is gone: this request was never acknowledged
        }
      }
    };
    const lanes = Array.from({ length: 16 }, (_, lane) => worker(lane));
    // Under load long enough to have answered a few hundred requests, however busy the machine (at most 30 s).
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < 300 && Date.now() < deadline) await sleep(100);
    // Killed while the lanes are still sending: the last answers arrived microseconds ago.
    const killed = service.stop('SIGKILL');
    stop = true;
    await killed;
    await Promise.all(lanes);
    expect(acknowledged.length).toBeGreaterThan(100);

    service = new NodeService('all-in-one (restarted)', DIST.allInOne, env, port);
    service.start();
    await service.waitReady(60_000);
    const api = managementClient(
      base,
      await fetchToken(bootstrap.token_endpoint, bootstrap.client_id, bootstrap.client_secret, bootstrap.audience),
    );
    const logged = new Set<string>();
    let route = 'logs?take=100';
    for (;;) {
      const page = await api.get(route);
      expect(page.status).toBe(200);
      const logs = page.body as LogEvent[];
      for (const log of logs) if (log.user_agent) logged.add(log.user_agent);
      if (logs.length < 100) break;
      route = /<[^>]*\/api\/v2\/([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')![1];
    }
    const missing = acknowledged.filter((ua) => !logged.has(ua));
    expect(missing).toEqual([]);
    await service.stop();
  });
});
