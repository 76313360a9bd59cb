import { PgliteDatabase } from '@roster/sql';
import { eventStoreContract } from './event-store.contract';
import { SqlEventStore } from './sql-event-store';

// Embedded PGlite in memory: always runs, no outside service. One database for the whole file (it takes seconds to
// start); each factory call is a new store on it, which also shows that closing a store leaves the database open.
let db: PgliteDatabase | undefined;
const database = async (): Promise<PgliteDatabase> => (db ??= await PgliteDatabase.open());

afterAll(async () => {
  await db?.close();
});

eventStoreContract('SqlEventStore on PGlite', async () => {
  const store = await SqlEventStore.create(await database());
  return { store, cleanup: () => store.close() };
});
