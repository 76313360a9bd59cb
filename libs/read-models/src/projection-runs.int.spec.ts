import { SqlEventStore } from '@roster/event-store';
import type { SqlDatabase } from '@roster/sql';
import { registryProjections } from './index';
import { OpenDatabase, appendAll, describeOnSqlDatabases, ev } from './read-models.fixtures';
import { dumpReadModels, rebuildReadModels } from './rebuild';

/**
 * Run reducers (a run of consecutive events of one type in one statement) must leave the tables exactly as the
 * event-by-event reducers do. A rebuild in batches of one event never forms a run; one batch holding the whole log
 * does, so the two dumps must be equal.
 */
const history = [
  ev.tenantCreated('acme'),
  ev.tenantCreated('other'),
  ev.connectionCreated('acme', 'con_A', 'Username-Password-Authentication'),
  ev.connectionCreated('acme', 'con_B', 'google', 'google-oauth2'),
  // A run: an unknown connection, a connection of another tenant, the same id twice (bootstrap re-registers).
  ev.applicationRegistered('acme', 'app1', { name: 'Web' }, { connections: ['con_A', 'con_B'] }),
  ev.applicationRegistered('acme', 'app2', { name: 'SPA', app_type: 'spa' }, { connections: ['con_A', 'con_gone'] }),
  ev.applicationRegistered('other', 'appX', { name: 'Elsewhere' }, { connections: ['con_B'] }),
  ev.applicationRegistered('acme', 'app1', { name: 'Web again' }, { secretHash: 'hash-2', connections: ['con_B'] }),
  ev.applicationSettingsChanged('acme', 'app2', { description: 'changed between runs' }),
  ev.applicationRemoved('acme', 'app1'),
  // A second run after other events, re-registering a removed id.
  ev.applicationRegistered('acme', 'app1', { name: 'Web third' }, { connections: ['con_A'] }),
  ev.applicationRegistered('acme', 'app3', { name: 'M2M', app_type: 'non_interactive' }, { secretHash: null }),
];

const runsEqualOneByOne = (open: OpenDatabase) => {
  let db: SqlDatabase;
  let close: () => Promise<void>;
  let store: SqlEventStore;

  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    await appendAll(store, history);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await close?.();
  });

  it('builds the same tables from runs as from one event at a time', async () => {
    await rebuildReadModels(db, store, registryProjections, { batchSize: 1 });
    const oneByOne = await dumpReadModels(db, registryProjections);
    await rebuildReadModels(db, store, registryProjections, { batchSize: 500 });
    const inRuns = await dumpReadModels(db, registryProjections);

    expect(inRuns).toEqual(oneByOne);
    // The picture both agree on: the last registration of an id wins; links only to the tenant's own connections.
    const clients = inRuns.rm_clients_v1 as Array<{ client_id: string; name: string; secret_hash: string | null }>;
    expect(clients.map((c) => [c.client_id, c.name, c.secret_hash]).sort()).toEqual([
      ['app1', 'Web third', 'hash-app1'],
      ['app2', 'SPA', 'hash-app2'],
      ['app3', 'M2M', null],
      ['appX', 'Elsewhere', 'hash-appX'],
    ]);
    const links = inRuns.rm_connection_clients_v1 as Array<{
      tenant: string;
      connection_id: string;
      client_id: string;
    }>;
    expect(links.map((l) => `${l.tenant}/${l.client_id}/${l.connection_id}`).sort()).toEqual([
      'acme/app1/con_A',
      'acme/app2/con_A',
    ]);
  });
};

describeOnSqlDatabases('projection runs', runsEqualOneByOne);
