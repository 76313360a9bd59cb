import { ManagementClient as Auth0ManagementClient } from 'auth0';
import { describeWithEventStore, describeWithService, useEventStoreServer } from '@roster/testing';
import { ManagementClient, fetchToken, managementClient } from '../support/roster-instance';
import { HttpWebhookReceiver } from '../receivers';
import { SplitServices, startSplitServices } from '../operations/split-services';
import { NodeService, sleep } from './node-service';

const WEBHOOK_AUTHORIZATION = 'Bearer rolling-webhook-0123456789';

/** Where the services keep their events (read models are on the scratch PostgreSQL database either way). */
type EventStoreEnv = () => Record<string, string>;

/**
 * Split mode as a platform team runs it, restarted the way deployments restart it: registry, projector and
 * log-exporter as three processes on PostgreSQL (read models, and events unless EventStoreDB keeps them) and a real
 * Kafka broker. The newcomer's flow runs first (with the official `auth0` SDK), a log stream delivers everything to a
 * webhook, then each process is restarted in turn while applications are being created and tokens issued. Every write
 * that was answered is in the read models, and every log event of the tenant reaches the webhook.
 */
const rollingRestarts = (eventStoreEnv: EventStoreEnv): void => {
  let split: SplitServices | undefined;
  let registry: NodeService;
  let projector: NodeService;
  let exporter: NodeService;
  let webhook: HttpWebhookReceiver;
  let base: string;
  let bootstrapId: string;
  let bootstrapSecret: string;
  let api: ManagementClient;

  const withLogs = (body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (error) {
      const logs = `${(split?.all ?? []).map((s) => s.logs(5000)).join('\n')}\n${webhook?.summary() ?? ''}`;
      if (error instanceof Error) error.message += `\n\n${logs}`;
      throw error;
    }
  };

  beforeAll(async () => {
    webhook = await HttpWebhookReceiver.start({ format: 'JSONARRAY', authorization: WEBHOOK_AUTHORIZATION });
    split = await startSplitServices({ kafka: true, env: eventStoreEnv() });
    ({ registry, projector } = split);
    exporter = split.exporter!;
    ({ BOOTSTRAP_CLIENT_ID: bootstrapId, BOOTSTRAP_CLIENT_SECRET: bootstrapSecret } = split.env);
    base = `${split.env.PUBLIC_URL}/tenants/default`;
    api = split.api;
  }, 240_000);

  afterAll(async () => {
    await split?.stop();
    await webhook?.close();
  }, 60_000);

  it(
    'runs the newcomer flow, then loses nothing while each process restarts in turn under load',
    withLogs(async () => {
      // The newcomer's flow, with the official SDK: an application, an API, a grant, a token for the API.
      const token = await fetchToken(`${base}/oauth/token`, bootstrapId, bootstrapSecret, `${base}/api/v2/`);
      const sdk = new Auth0ManagementClient({
        domain: base.replace(/^http:\/\//, ''),
        token: () => token,
        fetch: ((input: string | URL | Request, init?: RequestInit) =>
          fetch(
            String(input instanceof Request ? input.url : input).replace(/^https:/, 'http:'),
            init,
          )) as typeof fetch,
      });
      const app = await sdk.clients.create({ name: 'Reports worker', app_type: 'non_interactive' });
      const audience = 'https://reports.example.com/';
      expect(
        (await api.post('resource-servers', { identifier: audience, scopes: [{ value: 'read:reports' }] })).status,
      ).toBe(201);
      expect(
        (await api.post('client-grants', { client_id: app.client_id, audience, scope: ['read:reports'] })).status,
      ).toBe(201);
      expect(await fetchToken(`${base}/oauth/token`, app.client_id!, app.client_secret!, audience)).toMatch(/\./);

      const stream = await api.post('log-streams', {
        name: 'Everything',
        type: 'http',
        sink: {
          httpEndpoint: webhook.endpointUrl,
          httpContentFormat: 'JSONARRAY',
          httpAuthorization: WEBHOOK_AUTHORIZATION,
        },
      });
      expect(stream.status).toBe(201);

      // Load: applications created and tokens asked for, non-stop. A request the registry never answered (it was
      // restarting) is not counted; every answered creation must survive.
      const created: string[] = [];
      let tokens = 0;
      let refused = 0;
      let running = true;
      const worker = async (n: number) => {
        for (let i = 0; running; i++) {
          try {
            const response = await api.post('clients', { name: `rolling-${n}-${i}`, app_type: 'non_interactive' });
            if (response.status === 201) created.push((response.body as { client_id: string }).client_id);
            else refused += 1;
            await fetchToken(`${base}/oauth/token`, app.client_id!, app.client_secret!, audience);
            tokens += 1;
          } catch {
            refused += 1; // connection refused or reset while the registry restarts
            await sleep(100);
          }
        }
      };
      const load = [0, 1, 2, 3].map(worker);

      const restart = async (service: NodeService, signal: NodeJS.Signals) => {
        await sleep(2000);
        const exit = await service.stop(signal, 30_000);
        if (signal === 'SIGTERM') expect(exit.code).toBe(0);
        service.start();
        await service.waitReady(60_000);
      };
      await restart(projector, 'SIGTERM');
      await restart(registry, 'SIGTERM');
      await restart(exporter, 'SIGTERM');
      await restart(projector, 'SIGKILL');
      await restart(exporter, 'SIGKILL');
      await sleep(2000);
      running = false;
      await Promise.all(load);
      expect(created.length).toBeGreaterThan(20);
      expect(tokens).toBeGreaterThan(20);

      // Every answered creation is in the read models (the registry answers only once they include it).
      const fresh = managementClient(
        base,
        await fetchToken(`${base}/oauth/token`, bootstrapId, bootstrapSecret, `${base}/api/v2/`),
      );
      const listed = new Set<string>();
      for (let page = 0; ; page++) {
        const response = await fresh.get(`clients?per_page=100&page=${page}&fields=client_id`);
        expect(response.status).toBe(200);
        const clients = response.body as { client_id: string }[];
        for (const c of clients) listed.add(c.client_id);
        if (clients.length < 100) break;
      }
      expect(created.filter((id) => !listed.has(id))).toEqual([]);

      // Every log event of the tenant since the stream was created (its own creation's sapi comes right after it)
      // reaches the webhook; duplicates after a kill keep their log_id.
      const logIds: string[] = [];
      for (let from: string | undefined; ;) {
        const response = await fresh.get(`logs?take=100${from ? `&from=${from}` : ''}`);
        expect(response.status).toBe(200);
        const events = response.body as { log_id: string; description?: string }[];
        for (const event of events) {
          if (logIds.length > 0 || event.description === 'Create a log stream') logIds.push(event.log_id);
        }
        if (events.length < 100) break;
        from = events[events.length - 1].log_id;
      }
      expect(logIds.length).toBeGreaterThan(created.length);
      const deadline = Date.now() + 120_000;
      let missing = logIds;
      while (Date.now() < deadline) {
        const delivered = new Set(webhook.logIds());
        missing = logIds.filter((id) => !delivered.has(id));
        if (missing.length === 0) break;
        await sleep(1000);
      }
      expect(missing).toEqual([]);
      expect(webhook.violations.filter((v) => v.refused)).toEqual([]);
      // Nothing refused that the load did not expect: failures only while the registry was down.
      expect(refused).toBeLessThan(created.length);
    }),
    600_000,
  );
};

/** Why the EventStoreDB case runs only on a server of its own. */
const FRESH_SERVER =
  'the registry bootstraps tenant "default" with this run\'s admin credentials only on an empty store, while a ' +
  'shared server keeps an earlier run\'s "default", and every earlier event for the projector to replay';

describeWithService('kafka', 'split mode: rolling restarts under load', () => {
  describeWithService('postgres', 'with PostgreSQL', () => rollingRestarts(() => ({ EVENT_STORE: 'postgres' })));
  describeWithEventStore(
    'with EventStoreDB',
    () => {
      const eventStore = useEventStoreServer({ fresh: true });
      // Nested, so the services stop (its afterAll) before the server does.
      describeWithService('postgres', 'and read models on PostgreSQL', () =>
        rollingRestarts(() => ({ EVENT_STORE: 'esdb', EVENTSTORE_URL: eventStore.url() })),
      );
    },
    { needsFreshServer: FRESH_SERVER },
  );
});
