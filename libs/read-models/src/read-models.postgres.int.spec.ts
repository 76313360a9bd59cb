import { randomUUID } from 'crypto';
import { SqlEventStore } from '@roster/event-store';
import { PostgresDatabase } from '@roster/sql';
import { createScratchDatabase, describeWithService } from '@roster/testing';
import { ProjectionSet } from './apply-batch';
import { prepareCheckpoint, readCheckpoint } from './checkpoints';
import { ClientsReader } from './clients/clients.reader';
import { ConnectionsReader } from './connections/connections.reader';
import { registryProjections } from './index';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { ReadModelFreshness } from './read-model-freshness';
import { appendAll, countingProjection, counts, ev, tick } from './read-models.fixtures';
import { dumpReadModels, rebuildReadModels } from './rebuild';

/**
 * Split deployment on real PostgreSQL: the projector process (runners) and the registry process (freshness,
 * readers) each with their own pool, so read-your-writes rides on LISTEN/NOTIFY between connections and two
 * runners on one checkpoint really run concurrently.
 */
describeWithService('postgres', 'registry read models on PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let projector: PostgresDatabase;
  let registry: PostgresDatabase;
  let store: SqlEventStore;
  const runners: ProjectionRunner[] = [];
  // The registry's read models plus one that counts applications of each event, to catch double application.
  const projections = [...registryProjections, countingProjection(1)];

  beforeAll(async () => {
    scratch = await createScratchDatabase('roster_read_models');
    projector = new PostgresDatabase(scratch.url, { applicationName: 'projector' });
    registry = new PostgresDatabase(scratch.url, { applicationName: 'registry' });
    store = await SqlEventStore.create(projector, { pollIntervalMs: 100 });
    for (let i = 0; i < 2; i++) {
      const runner = new ProjectionRunner(projector, store, projections, { maxBatchSize: 3 + i, retryDelayMs: 20 });
      runners.push(runner);
      await runner.start();
    }
  }, 30_000);

  afterAll(async () => {
    for (const runner of runners) await runner.stop();
    await store?.close();
    await projector?.close();
    await registry?.close();
    await scratch?.drop();
  });

  it('makes a write visible to a reader in another process once waitForPosition resolves', async () => {
    // Polling once a minute: only NOTIFY can wake the waiter in time.
    const freshness = new ReadModelFreshness(registry, { pollIntervalMs: 60_000 });
    try {
      const events = [
        ev.tenantCreated('pg'),
        ev.connectionCreated('pg', 'con_1', 'db'),
        ...Array.from({ length: 12 }, (_, i) =>
          ev.applicationRegistered(
            'pg',
            `app${String(i).padStart(2, '0')}`,
            { name: `App ${i}` },
            { connections: ['con_1'] },
          ),
        ),
        ev.applicationRemoved('pg', 'app03'),
      ];
      const head = await appendAll(store, events);
      const started = Date.now();
      expect(await freshness.waitForPosition(head, 10_000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(9_000);

      const clients = new ClientsReader(registry);
      expect(await clients.list('pg', { include_totals: true, per_page: 5, page: 2 })).toEqual({
        start: 10,
        limit: 5,
        total: 11,
        clients: [expect.objectContaining({ client_id: 'app11' })],
      });
      expect(await clients.get('pg', 'app03')).toBeNull();
      const connection = await new ConnectionsReader(registry).get('pg', 'con_1');
      expect(connection?.enabled_clients).toHaveLength(11);
      expect(connection?.enabled_clients).not.toContain('app03');
    } finally {
      await freshness.close();
    }
  });

  it('commits a batch of read-model rows without waiting for the WAL flush, and only that transaction', async () => {
    const settings: string[] = [];
    const probe: Projection = {
      name: 'commit-probe',
      version: 1,
      tables: [],
      handles: ['Probed'],
      streamPrefixes: ['commit-probe-'],
      apply: async (tx) => {
        const { rows } = await tx.query<{ value: string }>(`SELECT current_setting('synchronous_commit') AS value`);
        settings.push(rows[0].value);
      },
    };
    await prepareCheckpoint(projector, 'commit-probe', [probe]);
    // Not a tick: the counting projection of the other cases would count it.
    const { position } = await store.append('commit-probe-1', [{ id: randomUUID(), type: 'Probed', data: {} }], 'any');
    const [event] = await store.readAll({ after: position - 1n, limit: 1 });
    expect(await new ProjectionSet('commit-probe', [probe]).applyBatch(projector, [event], 0n)).toBe(position);
    expect(settings).toEqual(['off']);
    const { rows } = await projector.query<{ value: string }>(`SELECT current_setting('synchronous_commit') AS value`);
    expect(rows[0].value).toBe('on');
  });

  it('applies each event once with two concurrent runners on one checkpoint, and rebuilds to the same rows', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    await appendAll(
      store,
      Array.from({ length: 10 }, (_, i) => ev.applicationRegistered('pg2', `c${i}`)),
    );
    const head = await tick(store, ...keys);
    const freshness = new ReadModelFreshness(registry, { pollIntervalMs: 50 });
    try {
      expect(await freshness.waitForPosition(head, 10_000)).toBe(true);
    } finally {
      await freshness.close();
    }
    expect(await counts(registry)).toEqual(Object.fromEntries(keys.map((k) => [k, 1])));

    for (const runner of runners) await runner.stop();
    const incremental = await dumpReadModels(projector, projections);
    expect(incremental.rm_clients_v1).toHaveLength(21);
    const result = await rebuildReadModels(projector, store, projections);
    expect(result.position).toBe(head);
    expect(await readCheckpoint(registry, 'registry')).toBe(head);
    expect(await dumpReadModels(registry, projections)).toEqual(incremental);
  });
});
