import { randomBytes } from 'crypto';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { CLIENTS_TABLE } from '@roster/read-models';
import {
  createScratchDatabase,
  describeWithEventStore,
  describeWithService,
  useEventStoreServer,
} from '@roster/testing';
import { ManagementClient, fetchToken, freePort, managementClient } from '../support/roster-instance';
import { DIST, NodeService, ensureFreshBuild, runToExit, sleep } from './node-service';

type ClientDoc = { client_id: string; name: string } & Record<string, unknown>;
type Response = Awaited<ReturnType<ManagementClient['get']>>;

/** Distinct free ports (two quick `freePort` calls could in theory hand out the same one). */
const freePorts = async (count: number): Promise<number[]> => {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
};

const m2mApp = (name: string) => ({ name, app_type: 'non_interactive' });

/**
 * Split mode as an operator runs it: `node dist/apps/projector/src/main.js` and `node dist/apps/registry/src/main.js`
 * as two OS processes sharing one PostgreSQL database (event store and read models), talked to over HTTP only. On
 * EventStoreDB (events there, read models still on PostgreSQL) the newcomer flow runs; the other tests read the
 * PostgreSQL event store with SQL behind the services' back, so they run on that store only.
 */
const splitMode = (eventStoreEnv: () => Record<string, string>, { newcomerFlowOnly = false } = {}): void => {
  const bootstrapId = `split_admin_${randomBytes(8).toString('hex')}`;
  const bootstrapSecret = randomBytes(36).toString('base64url');
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let dataDir: string | undefined;
  let db: Client | undefined;
  let env: Record<string, string>;
  let base: string;
  let registry: NodeService | undefined;
  let projector: NodeService | undefined;
  let api: ManagementClient;

  /** Appends both services' output to a failing test's message. */
  const withLogs = (body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (error) {
      const logs = [projector, registry].map((s) => s?.logs() ?? '').join('\n');
      if (error instanceof Error) {
        error.message += `\n\n${logs}`;
        throw error;
      }
      throw new Error(`${String(error)}\n\n${logs}`);
    }
  };

  const listClients = async (): Promise<ClientDoc[]> => {
    const all: ClientDoc[] = [];
    for (let page = 0; ; page++) {
      const response = await api.get(`clients?per_page=100&page=${page}&include_totals=true`);
      expect(response.status).toBe(200);
      const { clients, total } = response.body as { clients: ClientDoc[]; total: number };
      all.push(...clients);
      if (clients.length === 0 || all.length >= total) return all;
    }
  };

  /** What the event store holds, read with SQL behind the services' back: name → client ids registered under it. */
  const registeredInStore = async (namePrefix: string): Promise<Map<string, string[]>> => {
    const { rows } = await db!.query<{ client_id: string; name: string }>(
      `SELECT data->>'client_id' AS client_id, data->'settings'->>'name' AS name
       FROM event_store.events
      WHERE type = 'ApplicationRegistered' AND starts_with(data->'settings'->>'name', $1)`,
      [namePrefix],
    );
    const byName = new Map<string, string[]>();
    for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row.client_id]);
    return byName;
  };

  const expectLagging = (response: Response) => {
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ statusCode: 503, errorCode: 'read_model_lagging' });
  };

  beforeAll(async () => {
    ensureFreshBuild();
    scratch = await createScratchDatabase('roster_split');
    dataDir = await mkdtemp(path.join(tmpdir(), 'roster-split-'));
    const [registryPort, projectorPort] = await freePorts(2);
    const publicUrl = `http://127.0.0.1:${registryPort}`;
    base = `${publicUrl}/tenants/default`;
    env = {
      ...eventStoreEnv(),
      DATABASE_URL: scratch.url,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      PORT: String(registryPort),
      PUBLIC_URL: publicUrl,
      DATA_DIR: dataDir,
      BOOTSTRAP_CLIENT_ID: bootstrapId,
      BOOTSTRAP_CLIENT_SECRET: bootstrapSecret,
    };
    projector = new NodeService('projector', DIST.projector, { ...env, PORT: String(projectorPort) }, projectorPort);
    registry = new NodeService('registry', DIST.registry, env, registryPort);
    // The projector first: the registry's bootstrap writes wait for it to project them.
    projector.start();
    await projector.waitReady();
    registry.start();
    await registry.waitReady();
    db = new Client({ connectionString: scratch.url });
    await db.connect();
    api = managementClient(
      base,
      await fetchToken(`${base}/oauth/token`, bootstrapId, bootstrapSecret, `${base}/api/v2/`),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all([projector, registry].map((s) => (s?.running ? s.stop('SIGTERM', 10_000) : undefined)));
    await db?.end();
    await scratch?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(
    'serves the newcomer flow, reading its own writes across the two processes',
    withLogs(async () => {
      const created = await api.post('clients', m2mApp('Split worker'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Split worker', client_secret: expect.any(String) });
      const { client_id, client_secret } = created.body as { client_id: string; client_secret: string };

      // Right away: the registry answered only after the projector's checkpoint passed the write.
      const fetched = await api.get(`clients/${client_id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toMatchObject({ client_id, name: 'Split worker', app_type: 'non_interactive' });
      expect(fetched.body.client_secret).toBeUndefined();

      const audience = 'https://ledger.split.example.com/';
      const resourceServer = await api.post('resource-servers', {
        name: 'Ledger API',
        identifier: audience,
        scopes: [{ value: 'read:ledger' }, { value: 'write:ledger' }],
      });
      expect(resourceServer.status).toBe(201);
      const grant = await api.post('client-grants', { client_id, audience, scope: ['read:ledger'] });
      expect(grant.status).toBe(201);

      const appToken = await fetchToken(`${base}/oauth/token`, client_id, client_secret, audience);
      const claims = JSON.parse(Buffer.from(appToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({
        iss: `${base}/`,
        sub: `${client_id}@clients`,
        aud: audience,
        scope: 'read:ledger',
      });

      const patched = await api.patch(`clients/${client_id}`, { description: 'Posts ledger entries' });
      expect(patched.status).toBe(200);
      expect((await api.get(`clients/${client_id}`)).body).toMatchObject({ description: 'Posts ledger entries' });

      const rotated = await api.post(`clients/${client_id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      const newSecret = (rotated.body as { client_secret: string }).client_secret;
      expect(newSecret).toEqual(expect.any(String));
      expect(newSecret).not.toBe(client_secret);
      await expect(fetchToken(`${base}/oauth/token`, client_id, client_secret, audience)).rejects.toThrow(
        /401.*invalid_client/,
      );
      await expect(fetchToken(`${base}/oauth/token`, client_id, newSecret, audience)).resolves.toEqual(
        expect.any(String),
      );

      expect((await api.delete(`clients/${client_id}`)).status).toBe(204);
      const gone = await api.get(`clients/${client_id}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ errorCode: 'inexistent_client' });
    }),
  );

  if (newcomerFlowOnly) return;

  it(
    'keeps writes durable while the projector restarts',
    withLogs(async () => {
      expect(await projector!.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      // Down for longer than the registry's 10 s visibility wait: the write is saved, the answer is 503
      // read_model_lagging (retriable; the client must not assume the write failed).
      const lagging = ['during-outage-0', 'during-outage-1'];
      const lateAnswers = await Promise.all(lagging.map((name) => api.post('clients', m2mApp(name))));
      lateAnswers.forEach(expectLagging);
      const stored = await registeredInStore('during-outage-');
      expect([...stored.keys()].sort()).toEqual(lagging);
      for (const ids of stored.values()) expect(ids).toHaveLength(1);

      // Back within the wait: the writes issued while it was down answer 201 once it has caught up.
      const recovering = ['during-restart-0', 'during-restart-1', 'during-restart-2'];
      const pending = Promise.all(recovering.map((name) => api.post('clients', m2mApp(name))));
      await sleep(500);
      projector!.start();
      await projector!.waitReady();
      const answers = await pending;
      for (const answer of answers) {
        expect(answer.status).toBe(201);
        expect((await api.get(`clients/${answer.body.client_id}`)).status).toBe(200);
      }

      const listed = new Map((await listClients()).map((c) => [c.name, c.client_id]));
      for (const name of lagging) expect(listed.get(name)).toBe(stored.get(name)![0]);
      answers.forEach((answer, i) => expect(listed.get(recovering[i])).toBe(answer.body.client_id));
    }),
  );

  it(
    'loses nothing acknowledged when the registry is SIGKILLed under load, and bootstraps only once',
    withLogs(async () => {
      const acknowledged = new Map<string, string>();
      const unexpected: string[] = [];
      let stopped = false;
      let counter = 0;
      const worker = async () => {
        while (!stopped) {
          const name = `under-load-${counter++}`;
          try {
            const response = await api.post('clients', m2mApp(name));
            if (response.status === 201) acknowledged.set(name, response.body.client_id);
            else unexpected.push(`${name}: ${response.status} ${JSON.stringify(response.body)}`);
          } catch {
            // The connection died with the process: the write may or may not have been saved.
            await sleep(50);
          }
        }
      };
      const workers = Promise.all([worker(), worker(), worker(), worker()]);
      const deadline = Date.now() + 20_000;
      while (acknowledged.size < 12 && Date.now() < deadline) await sleep(20);
      expect(await registry!.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      stopped = true;
      await workers;
      expect(unexpected).toEqual([]);
      expect(acknowledged.size).toBeGreaterThanOrEqual(12);

      registry!.start();
      await registry!.waitReady();

      // `api` still carries the token issued before the crash: the signing key lives in the shared store.
      const clients = await listClients();
      const listed = new Map(clients.map((c) => [c.name, c.client_id]));
      for (const [name, id] of acknowledged) expect([name, listed.get(name)]).toEqual([name, id]);
      // Writes cut off mid-flight are either fully there (event and read model) or absent.
      const stored = await registeredInStore('under-load-');
      const listedUnderLoad = clients.filter((c) => c.name.startsWith('under-load-'));
      expect(listedUnderLoad.map((c) => c.client_id).sort()).toEqual([...stored.values()].flat().sort());

      expect(clients.filter((c) => c.name === 'Bootstrap Admin')).toHaveLength(1);
      expect((await registeredInStore('Bootstrap Admin')).get('Bootstrap Admin')).toHaveLength(1);
    }),
  );

  it(
    'rebuilds the read models from the event store with the projector stopped',
    withLogs(async () => {
      const before = (await listClients()).sort((a, b) => a.client_id.localeCompare(b.client_id));
      expect(before.length).toBeGreaterThan(15);
      expect(await projector!.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      // Damage the read model so that a rebuild that replays nothing cannot pass.
      const victim = before.find((c) => c.name === 'during-restart-0')!;
      const deleted = await db!.query(`DELETE FROM ${CLIENTS_TABLE} WHERE client_id = $1`, [victim.client_id]);
      expect(deleted.rowCount).toBe(1);
      // The list is served by the read model (GET clients/{id} reads the write model and would still find it).
      expect((await listClients()).map((c) => c.client_id)).not.toContain(victim.client_id);

      const rebuild = await runToExit(DIST.rebuild, { ...env, PORT: String(projector!.port) });
      expect({ code: rebuild.code, stderr: rebuild.stderr }).toEqual({ code: 0, stderr: '' });
      expect(rebuild.stdout).toMatch(/rebuilt read models from \d+ events/);

      projector!.start();
      await projector!.waitReady();
      const after = (await listClients()).sort((a, b) => a.client_id.localeCompare(b.client_id));
      expect(after).toEqual(before);

      // Still live after the rebuild: a new write is projected and listed.
      const created = await api.post('clients', m2mApp('after-rebuild'));
      expect(created.status).toBe(201);
      expect((await listClients()).map((c) => c.client_id)).toContain(created.body.client_id);
    }),
  );

  describe('refuses bad configuration with one line', () => {
    const expectOneLineFailure = async (overrides: Record<string, string | undefined>, pattern: RegExp) => {
      const merged = { ...env, PORT: String((await freePorts(1))[0]), ...overrides };
      const childEnv = Object.fromEntries(
        Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const result = await runToExit(DIST.registry, childEnv, 30_000);
      const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(lines).toEqual([expect.stringMatching(pattern)]);
    };

    it('on the embedded store, which split mode cannot share', () =>
      expectOneLineFailure({ EVENT_STORE: 'pglite' }, /split mode/));

    it('without SECRETS_KEY', () => expectOneLineFailure({ SECRETS_KEY: undefined }, /SECRETS_KEY/));
  });
};

/** Why the EventStoreDB case runs only on a server of its own. */
const FRESH_SERVER =
  'the registry bootstraps tenant "default" with this run\'s admin credentials only on an empty store, while a ' +
  'shared server keeps an earlier run\'s "default", and every earlier event for the projector to replay';

describeWithService('postgres', 'split mode: registry and projector processes on PostgreSQL', () =>
  splitMode(() => ({ EVENT_STORE: 'postgres' })),
);

describeWithEventStore(
  'split mode: registry and projector processes on EventStoreDB',
  () => {
    const eventStore = useEventStoreServer({ fresh: true });
    // Nested, so the services stop (its afterAll) before the server does.
    describeWithService('postgres', 'with read models on PostgreSQL', () =>
      splitMode(() => ({ EVENT_STORE: 'esdb', EVENTSTORE_URL: eventStore.url() }), { newcomerFlowOnly: true }),
    );
  },
  { needsFreshServer: FRESH_SERVER },
);
