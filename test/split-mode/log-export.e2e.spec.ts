import { randomBytes } from 'crypto';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import type { LogEvent } from '@roster/logs';
import {
  createScratchDatabase,
  describeWithService,
  kafkaBrokers,
  restartKafkaBroker,
  uniqueTopic,
} from '@roster/testing';
import { ManagementClient, fetchToken, freePort, managementClient } from '../support/roster-instance';
import { SplunkHecReceiver } from '../receivers';
import { DIST, NodeService, ensureFreshBuild, sleep } from './node-service';

const TOTAL = 50_000;
const BATCH = 1000;

/**
 * The log export pipeline as an operator runs it: registry, projector (relay to Kafka) and log-exporter (Kafka to
 * the SIEM) as three processes on PostgreSQL and a real Kafka broker, delivering to a strict Splunk HEC receiver.
 * While 50,000 reported events flow, the exporter is killed with SIGKILL at random moments, the receiver answers 503
 * for 30 s and then storms 429s with Retry-After, and the broker restarts. Every event arrives; a duplicate (after a
 * kill) carries the same log_id.
 */
describeWithService('kafka', 'split mode: log export through Kafka', () => {
  describeWithService('postgres', 'with PostgreSQL', () => {
    const bootstrapId = `logx_admin_${randomBytes(8).toString('hex')}`;
    const bootstrapSecret = randomBytes(36).toString('base64url');
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
    let dataDir: string | undefined;
    let services: NodeService[] = [];
    let exporter: NodeService;
    let api: ManagementClient;
    let hec: SplunkHecReceiver;

    const withLogs = (body: () => Promise<void>) => async () => {
      try {
        await body();
      } catch (error) {
        const logs = `${services.map((s) => s.logs(6000)).join('\n')}\n${hec?.summary() ?? ''}`;
        if (error instanceof Error) error.message += `\n\n${logs}`;
        throw error;
      }
    };

    beforeAll(async () => {
      ensureFreshBuild();
      scratch = await createScratchDatabase('roster_logx');
      dataDir = await mkdtemp(path.join(tmpdir(), 'roster-logx-'));
      hec = await SplunkHecReceiver.start({ tokens: ['hec-split-token-0123456789'], retainEvents: true });
      const ports: number[] = [];
      while (ports.length < 3) {
        const port = await freePort();
        if (!ports.includes(port)) ports.push(port);
      }
      const [registryPort, projectorPort, exporterPort] = ports;
      const publicUrl = `http://127.0.0.1:${registryPort}`;
      const env = {
        EVENT_STORE: 'postgres',
        DATABASE_URL: scratch.url,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_LOG_TOPIC: uniqueTopic('roster-logx'),
        PUBLIC_URL: publicUrl,
        DATA_DIR: dataDir,
        BOOTSTRAP_CLIENT_ID: bootstrapId,
        BOOTSTRAP_CLIENT_SECRET: bootstrapSecret,
        MANAGEMENT_RATE_LIMIT: '100000',
        // Retries back off exponentially; capped low so the test's outages end in seconds, not minutes.
        LOG_STREAM_MAX_RETRY_DELAY_SECONDS: '2',
      };
      const projector = new NodeService(
        'projector',
        DIST.projector,
        { ...env, PORT: String(projectorPort) },
        projectorPort,
      );
      const registry = new NodeService('registry', DIST.registry, { ...env, PORT: String(registryPort) }, registryPort);
      exporter = new NodeService(
        'log-exporter',
        DIST.logExporter,
        { ...env, PORT: String(exporterPort) },
        exporterPort,
      );
      services = [projector, registry, exporter];
      projector.start();
      await projector.waitReady(60_000);
      registry.start();
      await registry.waitReady(60_000);
      exporter.start();
      await exporter.waitReady(60_000);
      const base = `${publicUrl}/tenants/default`;
      api = managementClient(
        base,
        await fetchToken(`${base}/oauth/token`, bootstrapId, bootstrapSecret, `${base}/api/v2/`),
      );
    }, 240_000);

    afterAll(async () => {
      await Promise.all(services.map((s) => (s.running ? s.stop('SIGTERM', 15_000) : undefined)));
      await hec?.close();
      await scratch?.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    it(
      'delivers 50,000 events through exporter kills, a 30 s outage, 429 storms and a broker restart',
      withLogs(async () => {
        const url = new URL(hec.url);
        const created = await api.post('log-streams', {
          name: 'Splunk',
          type: 'splunk',
          filters: [{ type: 'category', name: 'auth.login.success' }],
          sink: {
            splunkDomain: `http://${url.hostname}`,
            splunkPort: url.port,
            splunkToken: 'hec-split-token-0123456789',
            splunkSecure: false,
          },
        });
        expect(created.status).toBe(201);

        let sent = 0;
        const writer = (async () => {
          for (let batch = 0; batch < TOTAL / BATCH; batch++) {
            const items = Array.from({ length: BATCH }, (_, i) => ({
              id: `load-${batch * BATCH + i}`,
              type: 's',
              date: new Date().toISOString(),
              user_id: `auth0|load-${batch * BATCH + i}`,
            }));
            const response = await api.post('logs', items);
            if (response.status !== 200)
              throw new Error(`POST logs: ${response.status} ${JSON.stringify(response.body)}`);
            sent += response.body.stored.length;
            await sleep(40);
          }
        })();

        // (a) SIGKILL the exporter three times at random moments while events flow.
        for (let kill = 0; kill < 3; kill++) {
          await sleep(500 + Math.floor(Math.random() * 2000));
          await exporter.stop('SIGKILL');
          await sleep(300);
          exporter.start();
          await exporter.waitReady(60_000);
        }
        // (b) the SIEM is down for 30 s (503), then (c) storms 429 with Retry-After.
        hec.failFor(30_000, { status: 503 });
        await sleep(30_000);
        hec.rateLimit({ count: 20 }, 1);
        // (d) the broker restarts mid-stream.
        await restartKafkaBroker();
        await writer;
        expect(sent).toBe(TOTAL);

        const deadline = Date.now() + 180_000;
        const byUser = new Map<string, Set<string>>();
        while (Date.now() < deadline) {
          byUser.clear();
          for (const accepted of hec.accepted) {
            const event = (accepted.event as { data: LogEvent }).data;
            if (!event.user_id?.startsWith('auth0|load-')) continue;
            if (!byUser.has(event.user_id)) byUser.set(event.user_id, new Set());
            byUser.get(event.user_id)!.add(event.log_id);
          }
          if (byUser.size >= TOTAL) break;
          await sleep(1000);
        }
        expect(byUser.size).toBe(TOTAL); // nothing lost
        const twoIds = [...byUser.values()].filter((ids) => ids.size > 1);
        expect(twoIds).toEqual([]); // a duplicate always has the same log_id
        expect(hec.violations.filter((v) => v.refused)).toEqual([]);
        const health = await api.get(`log-streams/${created.body.id}`);
        expect(health.body.health.delivered).toBeGreaterThan(0);
      }),
      600_000,
    );
  });
});
