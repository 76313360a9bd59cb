import type { Kafka } from 'kafkajs';
import { SqlEventStore } from '@roster/event-store';
import { PgliteDatabase } from '@roster/sql';
import { testKafka } from '@roster/testing';

/**
 * What a relay's test needs: a fresh embedded event store for each test (closed after it) and a Kafka client named
 * `clientId`. `use` receives both before each test.
 */
export const relayTestStoreForEachTest = (
  clientId: string,
  use: (world: { store: SqlEventStore; kafka: Kafka }) => void,
): void => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  beforeEach(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.create(db, { pollIntervalMs: 50 });
    use({ store, kafka: testKafka(clientId) });
  });
  afterEach(async () => {
    await store.close();
    await db.close();
  });
};
