/**
 * examples/event-subscriber against the real thing: domain events appended to an event store, relayed to Kafka by
 * KafkaIntegrationRelay, consumed by the example into PostgreSQL. Then every message arrives twice more (the group's
 * offsets reset, as after a crash before a commit, and each event produced again, as by a replay): the directory and
 * the processed events stay exactly as they were.
 */
import { randomUUID } from 'crypto';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { SqlEventStore } from '@roster/event-store';
import { partitionOf } from '@roster/log-relay';
import { PgliteDatabase } from '@roster/sql';
import { createScratchDatabase, describeWithService, testKafka, uniqueGroupId, uniqueTopic } from '@roster/testing';
import { waitFor } from '../../libs/log-export/src/log-export.fixtures';
import { FIXTURES, registryStreamOf } from '../../libs/integration-events/src/integration-events.fixtures';
import {
  encodeIntegrationEventMessage,
  integrationEventOf,
  KafkaIntegrationRelay,
  type RegistryEvent,
} from '@roster/integration-events';
import { ApplicationDirectory } from '../../examples/event-subscriber/src/subscriber';

const PARTITIONS = 3;

/** An event of `type` like its fixture, with these fields. */
const event = <T extends keyof typeof FIXTURES>(type: T, data: Partial<(typeof FIXTURES)[T]['data']>): RegistryEvent =>
  ({ type, data: { ...FIXTURES[type].data, ...data } }) as RegistryEvent;

const registered = (tenant: string, client_id: string, name: string) =>
  event('ApplicationRegistered', {
    tenant,
    client_id,
    settings: { ...FIXTURES.ApplicationRegistered.data.settings, name },
  });
const granted = (tenant: string, client_grant_id: string, client_id: string) =>
  event('ClientGrantCreated', { tenant, client_grant_id, client_id });

/** Two tenants with an application of the same client id, renames, grants, a removal and events the directory skips. */
const HISTORY: RegistryEvent[] = [
  registered('acme', 'billing', 'Billing'),
  registered('acme', 'reports', 'Reports'),
  registered('globex', 'billing', 'Globex Billing'),
  event('ApplicationSettingsChanged', { tenant: 'acme', client_id: 'billing', changes: { name: 'Billing v2' } }),
  granted('acme', 'cgr1', 'billing'),
  granted('acme', 'cgr2', 'billing'),
  granted('acme', 'cgr3', 'reports'),
  granted('globex', 'cgr4', 'billing'),
  event('ClientGrantRemoved', { tenant: 'acme', client_grant_id: 'cgr2', client_id: 'billing' }),
  event('SecretRotated', { tenant: 'acme', client_id: 'billing' }),
  event('ConnectionCreated', { tenant: 'acme', connection_id: 'con1' }),
  event('ApplicationRemoved', { tenant: 'acme', client_id: 'reports' }),
  registered('acme', 'portal', 'Portal'),
  event('ApplicationSettingsChanged', { tenant: 'acme', client_id: 'portal', changes: { app_type: 'spa' } }),
  event('TenantSettingsChanged', { tenant: 'acme' }), // not published
];
const PUBLISHED = HISTORY.length - 1;

const DIRECTORY = [
  { tenant: 'acme', client_id: 'billing', name: 'Billing v2', app_type: 'regular_web', client_grants: 1 },
  { tenant: 'acme', client_id: 'portal', name: 'Portal', app_type: 'spa', client_grants: 0 },
  { tenant: 'globex', client_id: 'billing', name: 'Globex Billing', app_type: 'regular_web', client_grants: 1 },
];

describeWithService('postgres', 'the example event subscriber', () => {
  describeWithService('kafka', 'on Kafka', () => {
    let db: PgliteDatabase;
    let store: SqlEventStore;
    let scratch: { url: string; drop: () => Promise<void> };
    let pool: Pool;
    let kafka: Kafka;

    beforeAll(async () => {
      db = await PgliteDatabase.open();
      store = await SqlEventStore.create(db, { pollIntervalMs: 50 });
      scratch = await createScratchDatabase('roster_example_subscriber');
      pool = new Pool({ connectionString: scratch.url, max: 3 });
      kafka = testKafka('example-subscriber-test');
    });
    afterAll(async () => {
      await pool?.end();
      await scratch?.drop();
      await store?.close();
      await db?.close();
    });

    const directory = async () =>
      (
        await pool.query(
          'SELECT tenant, client_id, name, app_type, client_grants FROM applications ORDER BY tenant, client_id',
        )
      ).rows;
    const processed = async () => Number((await pool.query('SELECT count(*) FROM processed_events')).rows[0].count);

    it('keeps its directory right, and unchanged when every message arrives again', async () => {
      const topic = uniqueTopic('example-subscriber');
      const groupId = uniqueGroupId('application-directory');
      const recorded = [];
      for (const e of HISTORY) {
        const { position } = await store.append(registryStreamOf(e), [{ id: randomUUID(), ...e }], 'any');
        recorded.push(...(await store.readAll({ after: position - 1n, limit: 1 })));
      }
      const relay = new KafkaIntegrationRelay(store, kafka, { topic, partitions: PARTITIONS });
      await relay.start();
      // The relay subscribes to published types only: its position stops at the last of them.
      const lastPublished = recorded.filter((r) => integrationEventOf(r)).pop()!.position;
      await waitFor(
        () => relay.position >= lastPublished,
        () => `the relay at ${relay.position}`,
      );
      await relay.stop();

      const first = new ApplicationDirectory(kafka, pool, { topic, groupId });
      await first.start();
      await waitFor(
        () => first.counts.applied === PUBLISHED,
        () => JSON.stringify(first.counts),
        30_000,
      );
      await first.stop();
      expect(first.counts).toEqual({ applied: PUBLISHED, duplicates: 0, notCloudEvents: 0 });
      expect(await directory()).toEqual(DIRECTORY);
      expect(await processed()).toBe(PUBLISHED);

      // Every message twice more: the group starts over from the beginning, and each event is produced again.
      const admin = kafka.admin();
      await admin.connect();
      await admin.resetOffsets({ groupId, topic, earliest: true });
      await admin.disconnect();
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({
        topic,
        messages: recorded.flatMap((r) => {
          const integration = integrationEventOf(r);
          return integration
            ? [
                {
                  ...encodeIntegrationEventMessage(integration),
                  partition: partitionOf(integration.tenant, PARTITIONS),
                },
              ]
            : [];
        }),
      });
      await producer.disconnect();

      const second = new ApplicationDirectory(kafka, pool, { topic, groupId });
      await second.start();
      await waitFor(
        () => second.counts.duplicates === 2 * PUBLISHED,
        () => JSON.stringify(second.counts),
        30_000,
      );
      await second.stop();
      expect(second.counts).toEqual({ applied: 0, duplicates: 2 * PUBLISHED, notCloudEvents: 0 });
      expect(await directory()).toEqual(DIRECTORY);
      expect(await processed()).toBe(PUBLISHED);
    });
  });
});
