import { createServer, connect, type Server, type Socket } from 'net';
import { Client } from 'pg';
import type { LogEvent } from '@roster/logs';
import { CHECKPOINTS_TABLE } from '@roster/read-models';
import { describeWithService, kafkaBrokers, serviceUrl } from '@roster/testing';
import { HttpWebhookReceiver } from '../receivers';
import { freePort } from '../support/roster-instance';
import { DIST, NodeService } from '../split-mode/node-service';
import { SplitServices, eventually, health, metricValue, scrape, startSplitServices, withLogs } from './split-services';

/** A TCP relay to one address that can go away (connections cut, port closed) and come back on the same port. */
class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: string): Promise<TcpProxy> {
    const [host, port] = target.split(':');
    const proxy = new TcpProxy(await freePort(), { host, port: Number(port) });
    await proxy.up();
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

const labelsOfStream = (id: string) => ({ stream: id, tenant: 'default', type: 'http' });
const userOf = (event: Record<string, unknown>) => (event as unknown as LogEvent).user_id ?? '';

/**
 * What an operator watches: /metrics with the series of each service (HTTP latency by route, commands, projection
 * and relay lag, per log stream delivered / failed / retried / dead-lettered and lag), readiness that names a stopped
 * dependency while liveness stays up, and JSON logs with request ids and no secrets.
 */
describeWithService('kafka', 'operations: readiness and metrics', () => {
  describeWithService('postgres', 'of the split-mode services', () => {
    let services: SplitServices | undefined;
    let webhook: HttpWebhookReceiver | undefined;
    let admin: Client | undefined;
    let streamId: string;
    const extra: NodeService[] = [];
    const all = () => [...(services?.all ?? []), ...extra];

    /** Lets the scratch database take connections again (also when a test failed half-way). */
    const allowConnections = async (allow: boolean) => {
      await admin!.query(`ALTER DATABASE ${services!.databaseName} ALLOW_CONNECTIONS ${allow}`);
      if (!allow) {
        await admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          services!.databaseName,
        ]);
      }
    };

    beforeAll(async () => {
      webhook = await HttpWebhookReceiver.start({
        format: 'JSONARRAY',
        authorization: 'Bearer ops-webhook-0123456789',
      });
      services = await startSplitServices({ kafka: true });
      admin = new Client({ connectionString: serviceUrl('postgres') });
      await admin.connect();
      const created = await services.api.post('log-streams', {
        name: 'Webhook',
        type: 'http',
        sink: {
          httpEndpoint: webhook.endpointUrl,
          httpContentFormat: 'JSONARRAY',
          httpAuthorization: 'Bearer ops-webhook-0123456789',
        },
      });
      if (created.status !== 201)
        throw new Error(`POST log-streams: ${created.status} ${JSON.stringify(created.body)}`);
      streamId = created.body.id;
    }, 240_000);

    afterAll(async () => {
      if (admin && services) await allowConnections(true).catch(() => undefined);
      await Promise.all(extra.map((s) => (s.running ? s.stop('SIGTERM', 25_000) : undefined)));
      await services?.stop();
      await admin?.end();
      await webhook?.close();
    }, 90_000);

    const postLogs = async (prefix: string, count: number) => {
      const items = Array.from({ length: count }, (_, i) => ({
        id: `${prefix}-${i}`,
        type: 's',
        date: new Date().toISOString(),
        user_id: `auth0|${prefix}-${i}`,
      }));
      const response = await services!.api.post('logs', items);
      expect(response.status).toBe(200);
    };

    it(
      'counts commands by type and outcome and HTTP latency by route',
      withLogs(all, async () => {
        const { api, registry } = services!;
        for (let i = 0; i < 3; i++) {
          expect((await api.post('clients', { name: `metrics-${i}`, app_type: 'non_interactive' })).status).toBe(201);
        }
        // Refused by the domain's rules (a callback must be an absolute URL), after the command was decided.
        const refused = await api.post('clients', { name: 'metrics-bad', callbacks: ['not a url'] });
        expect(refused.status).toBe(400);

        const text = await scrape(registry);
        const applied = metricValue(text, 'roster_commands_total', {
          command: 'RegisterApplication',
          outcome: 'applied',
        });
        // The bootstrap registered its admin application too.
        expect(applied).toBeGreaterThanOrEqual(4);
        expect(
          metricValue(text, 'roster_commands_total', { command: 'RegisterApplication', outcome: 'rejected' }),
        ).toBe(1);
        const count = metricValue(text, 'roster_command_duration_seconds_count', { command: 'RegisterApplication' });
        expect(count).toBe(applied! + 1);
        expect(
          metricValue(text, 'roster_command_duration_seconds_sum', { command: 'RegisterApplication' }),
        ).toBeGreaterThan(0);
        const route = { method: 'POST', route: '/tenants/:tenant/api/v2/clients' };
        expect(metricValue(text, 'roster_http_request_duration_seconds_count', route)).toBeGreaterThanOrEqual(4);
        expect(metricValue(text, 'roster_http_requests_total', { ...route, status: '201' })).toBeGreaterThanOrEqual(3);
        expect(metricValue(text, 'roster_dependency_up', { dependency: 'event_store' })).toBe(1);
        expect(metricValue(text, 'roster_dependency_up', { dependency: 'read_models' })).toBe(1);
      }),
    );

    it(
      'reports projection lag while events wait, per checkpoint, and projection and relay lag 0 once caught up',
      withLogs(all, async () => {
        const { projector, db } = services!;
        // Holding the log checkpoint's row stops the log projection's commits: its events wait, the registry's do not.
        await db.query('BEGIN');
        try {
          await db.query(`SELECT position FROM ${CHECKPOINTS_TABLE} WHERE name = 'logs' FOR UPDATE`);
          await postLogs('held', 10);
          const behind = await eventually(
            () => scrape(projector),
            (text) =>
              (metricValue(text, 'roster_projection_lag_positions', { checkpoint: 'logs' }) ?? 0) > 0 &&
              (metricValue(text, 'roster_projection_lag_seconds', { checkpoint: 'logs' }) ?? 0) > 0,
            30_000,
            'the log projection behind',
          );
          expect(metricValue(behind, 'roster_projection_lag_positions', { checkpoint: 'registry' })).toBe(0);
        } finally {
          await db.query('COMMIT');
        }

        await postLogs('lag', 50);
        const caughtUp = await eventually(
          () => scrape(projector),
          (text) =>
            ['registry', 'logs'].every(
              (checkpoint) =>
                metricValue(text, 'roster_projection_lag_positions', { checkpoint }) === 0 &&
                metricValue(text, 'roster_projection_lag_seconds', { checkpoint }) === 0,
            ) && metricValue(text, 'roster_relay_lag_positions', { relay: 'log-events' }) === 0,
          60_000,
          'projections and relay caught up',
        );
        expect(metricValue(caughtUp, 'roster_relay_lag_seconds', { relay: 'log-events' })).toBe(0);
        expect(metricValue(caughtUp, 'roster_projection_checkpoint', { checkpoint: 'logs' })).toBeGreaterThan(0);
        expect(metricValue(caughtUp, 'roster_dependency_up', { dependency: 'kafka' })).toBe(1);
        expect(metricValue(caughtUp, 'roster_dependency_up', { dependency: 'projections' })).toBe(1);
      }),
    );

    it(
      'counts per log stream what was delivered, failed, retried and dead-lettered, and its lag',
      withLogs(all, async () => {
        const { exporter } = services!;
        const stream = labelsOfStream(streamId);
        await eventually(
          () => scrape(exporter!),
          (text) => (metricValue(text, 'roster_log_stream_events_delivered_total', stream) ?? 0) >= 50,
          60_000,
          'the first events delivered',
        );

        // The SIEM is down: events wait (lag), attempts fail and are retried.
        webhook!.failFor(600_000, { status: 503 });
        await postLogs('outage', 20);
        const during = await eventually(
          () => scrape(exporter!),
          (text) =>
            (metricValue(text, 'roster_log_stream_lag_events', stream) ?? 0) >= 20 &&
            (metricValue(text, 'roster_log_stream_delivery_retries_total', stream) ?? 0) >= 2,
          60_000,
          'lag and retries while the SIEM is down',
        );
        expect(
          metricValue(during, 'roster_log_stream_delivery_failures_total', { ...stream, kind: 'retry' }),
        ).toBeGreaterThanOrEqual(2);

        // Back, refusing one poisoned event: it is dead-lettered, the rest delivered, the lag drains.
        webhook!.clearFaults().rejectEvents((a) => userOf(a.event) === 'auth0|outage-7');
        const after = await eventually(
          () => scrape(exporter!),
          (text) =>
            metricValue(text, 'roster_log_stream_lag_events', stream) === 0 &&
            metricValue(text, 'roster_log_stream_events_dead_lettered_total', stream) === 1,
          60_000,
          'the outage drained',
        );
        expect(
          metricValue(after, 'roster_log_stream_delivery_failures_total', { ...stream, kind: 'rejected' }),
        ).toBeGreaterThanOrEqual(1);
        const delivered = metricValue(after, 'roster_log_stream_events_delivered_total', stream)!;
        // At least once, and counted as the SIEM saw it: never more than it accepted.
        expect(delivered).toBeGreaterThanOrEqual(50 + 19);
        expect(delivered).toBeLessThanOrEqual(webhook!.acceptedCount);
        webhook!.rejectEvents(undefined);
      }),
      180_000,
    );

    it(
      'answers 503 naming a stopped database while staying live, shows it in /metrics, and recovers',
      withLogs(all, async () => {
        const { api, registry, projector, exporter } = services!;
        await allowConnections(false);
        try {
          for (const [service, dependencies] of [
            [registry, { event_store: 'down', read_models: 'down' }],
            [projector, { event_store: 'down', read_models: 'down', projections: 'up', kafka: 'up' }],
            [exporter!, { read_models: 'down', kafka: 'up' }],
          ] as const) {
            const ready = await eventually(
              () => health(service, 'ready'),
              (r) => r.status === 503,
              30_000,
              `${service.name} not ready`,
            );
            expect(ready.body).toEqual({ status: 'not_ready', dependencies });
            expect(await health(service, 'live')).toEqual({ status: 200, body: { status: 'ok' } });
            const text = await scrape(service);
            expect(metricValue(text, 'roster_dependency_up', { dependency: 'read_models' })).toBe(0);
          }
          // A request that fails meanwhile is answered (not dropped) under its request id, which its log lines carry.
          const failed = await api.post('clients', { name: 'during-outage' }, { 'x-request-id': 'ops-outage-0001' });
          expect(failed.status).toBeGreaterThanOrEqual(500);
          expect(failed.headers.get('x-request-id')).toBe('ops-outage-0001');
          await eventually(
            async () => registry.logs(1_000_000),
            (logs) => logs.includes('"request_id":"ops-outage-0001"'),
            10_000,
            'a log line of the failed request',
          );
        } finally {
          await allowConnections(true);
        }
        for (const service of [registry, projector, exporter!]) {
          await eventually(
            () => health(service, 'ready'),
            (r) => r.status === 200,
            60_000,
            `${service.name} ready`,
          );
          const text = await scrape(service);
          expect(metricValue(text, 'roster_dependency_up', { dependency: 'read_models' })).toBe(1);
        }
        expect((await api.post('clients', { name: 'after-outage', app_type: 'non_interactive' })).status).toBe(201);
      }),
      180_000,
    );

    it(
      'answers 503 naming Kafka when its broker address goes away, and recovers',
      withLogs(all, async () => {
        const { exporter, env } = services!;
        // An exporter whose only bootstrap address is a relay the test can cut.
        const proxy = await TcpProxy.start(kafkaBrokers()[0]);
        const port = await freePort();
        const proxied = new NodeService(
          'log-exporter-via-proxy',
          DIST.logExporter,
          { ...env, PORT: String(port), KAFKA_BROKERS: proxy.address },
          port,
        );
        extra.push(proxied);
        try {
          expect(await exporter!.stop('SIGTERM', 30_000)).toEqual({ code: 0, signal: null });
          proxied.start();
          await proxied.waitReady(60_000);
          await proxy.down();
          const ready = await eventually(
            () => health(proxied, 'ready'),
            (r) => r.status === 503,
            30_000,
            'not ready without Kafka',
          );
          expect(ready.body).toEqual({ status: 'not_ready', dependencies: { read_models: 'up', kafka: 'down' } });
          expect((await health(proxied, 'live')).status).toBe(200);
          expect(metricValue(await scrape(proxied), 'roster_dependency_up', { dependency: 'kafka' })).toBe(0);

          await proxy.up();
          await eventually(
            () => health(proxied, 'ready'),
            (r) => r.status === 200,
            60_000,
            'ready again',
          );
          expect(metricValue(await scrape(proxied), 'roster_dependency_up', { dependency: 'kafka' })).toBe(1);
        } finally {
          await proxied.stop('SIGTERM', 25_000);
          await proxy.down();
          exporter!.start();
          await exporter!.waitReady(60_000);
        }
      }),
      180_000,
    );

    it(
      'logs one JSON object per line, with request ids, and never a secret',
      withLogs(all, async () => {
        const { api, registry } = services!;
        const echoed = await api.raw('GET', 'clients?per_page=1', undefined, { 'x-request-id': 'ops-trace-42' });
        expect(echoed.headers.get('x-request-id')).toBe('ops-trace-42');
        const replaced = await api.raw('GET', 'clients?per_page=1', undefined, { 'x-request-id': 'bad id\twith tab' });
        expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        const health = await fetch(`http://127.0.0.1:${registry.port}/health/live`);
        expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

        const secrets = [...services!.secrets, 'ops-webhook-0123456789'];
        for (const service of all()) {
          const lines = service
            .logs(10_000_000)
            .split('\n')
            .filter((line) => line.trim() !== '' && !/^(=====|---) /.test(line));
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) {
            let parsed: Record<string, unknown> | undefined;
            try {
              parsed = JSON.parse(line) as Record<string, unknown>;
            } catch {
              parsed = undefined;
            }
            expect({ service: service.name, line, parsed: parsed !== undefined }).toEqual({
              service: service.name,
              line,
              parsed: true,
            });
            expect(parsed).toMatchObject({
              time: expect.any(String),
              level: expect.stringMatching(/^(log|warn|error|fatal)$/),
              message: expect.any(String),
            });
            for (const secret of secrets) expect(line).not.toContain(secret);
          }
        }
      }),
    );
  });
});
