import * as path from 'path';
import { promises as fs } from 'fs';
import { RosterConfig } from '@roster/config';
import { EventStore, EsdbEventStore, SqlEventStore } from '@roster/event-store';
import { PgliteDatabase, PostgresDatabase, SqlDatabase } from '@roster/sql';

/** The stores a process works on: the event store and the SQL database of the read models. */
export interface Storage {
  eventStore: EventStore;
  readModels: SqlDatabase;
  /** The event store's table, when events live in the read models' database (not on EventStoreDB). */
  eventsTable?: string;
  close(): Promise<void>;
}

/**
 * Opens what the configuration names. Embedded (pglite) keeps events and read models in one PGlite database under
 * DATA_DIR; otherwise read models live in DATABASE_URL and events in PostgreSQL or EventStoreDB.
 */
export const openStorage = async (config: RosterConfig, poolSize = 10): Promise<Storage> => {
  if (config.eventStore === 'pglite') {
    const dir = path.join(config.dataDir, 'pglite');
    await fs.mkdir(dir, { recursive: true });
    const db = await PgliteDatabase.open(dir);
    const eventStore = await SqlEventStore.create(db);
    return {
      eventStore,
      readModels: db,
      eventsTable: eventStore.eventsTable,
      close: async () => (await eventStore.close(), await db.close()),
    };
  }
  const readModels = new PostgresDatabase(config.databaseUrl!, {
    max: poolSize,
    applicationName: `roster-${config.mode}`,
  });
  if (config.eventStore === 'postgres') {
    const eventStore = await SqlEventStore.create(readModels);
    return {
      eventStore,
      readModels,
      eventsTable: eventStore.eventsTable,
      close: async () => (await eventStore.close(), await readModels.close()),
    };
  }
  const eventStore = EsdbEventStore.connect(config.eventStoreUrl!);
  return { eventStore, readModels, close: async () => (await eventStore.close(), await readModels.close()) };
};
