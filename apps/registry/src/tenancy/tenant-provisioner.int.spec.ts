import { randomBytes } from 'crypto';
import { readRosterConfig } from '@roster/config';
import { SqlEventStore } from '@roster/event-store';
import { ClientsReader, ProjectionRunner, ReadModelFreshness, registryProjections } from '@roster/read-models';
import { ApplicationState, applicationDecider, applicationStream } from '@roster/registry-domain';
import { createSecretCrypto, parseSecretsKey } from '@roster/security';
import { PgliteDatabase } from '@roster/sql';
import { AggregateRepository } from '../infrastructure/aggregate-repository';
import { Clock } from '../infrastructure/clock';
import { RegistrySettings } from '../infrastructure/registry-settings';
import { StreamStateCache } from '../infrastructure/stream-state-cache';
import { WriteModel } from '../infrastructure/write-model';
import { ADMIN_APPLICATION_NAME, TenantAdminCredentials, TenantProvisioner } from './tenant-provisioner';

describe('TenantProvisioner (on PGlite)', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  let freshness: ReadModelFreshness;
  let provisioner: TenantProvisioner;
  const secrets = createSecretCrypto(parseSecretsKey(randomBytes(32).toString('base64')));

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.create(db);
    runner = new ProjectionRunner(db, store, registryProjections);
    await runner.start();
    freshness = new ReadModelFreshness(db, { runner });
    const write = new WriteModel(new AggregateRepository(store, new StreamStateCache(store)), freshness);
    const settings = new RegistrySettings(readRosterConfig('all-in-one', { PUBLIC_URL: 'http://roster.test' }));
    provisioner = new TenantProvisioner(write, secrets.clientSecrets, secrets.box, settings, new Clock());
  });
  afterAll(async () => {
    await freshness.close();
    await runner.stop();
    await store.close();
    await db.close();
  });

  it('finishes on the next run after being cut short, with one admin application whose newest secret works', async () => {
    const crash = new Error('power cut before the tenant was created');
    let firstSecret = '';
    await expect(
      provisioner.provision('resumed', { actor: 'test' }, undefined, async (admin) => {
        firstSecret = admin.client_secret;
        throw crash;
      }),
    ).rejects.toBe(crash);
    expect(await provisioner.exists('resumed')).toBe(false);

    let saved: TenantAdminCredentials | undefined;
    const admin = await provisioner.provision('resumed', { actor: 'test' }, undefined, async (credentials) => {
      saved = credentials;
    });
    expect(saved).toEqual(admin);
    expect(await provisioner.exists('resumed')).toBe(true);

    const clients = (await new ClientsReader(db).list('resumed')) as Array<{ name: string; client_id: string }>;
    expect(clients.filter((c) => c.name === ADMIN_APPLICATION_NAME)).toEqual([
      expect.objectContaining({ client_id: admin.client_id }),
    ]);
    const { state } = await new StreamStateCache(store).load<ApplicationState>(
      applicationStream('resumed', admin.client_id),
      applicationDecider,
    );
    if (state.status !== 'active') throw new Error('admin application missing');
    expect(secrets.clientSecrets.verify(admin.client_secret, state.secret_hash)).toBe(true);
    expect(secrets.clientSecrets.verify(firstSecret, state.secret_hash)).toBe(false);
  });

  it('keeps configured credentials', async () => {
    const credentials = { clientId: 'configured-admin-0001', clientSecret: 'c'.repeat(40) };
    const admin = await provisioner.provision('configured', { actor: 'test' }, credentials);
    expect(admin).toMatchObject({ client_id: credentials.clientId, client_secret: credentials.clientSecret });
  });
});
