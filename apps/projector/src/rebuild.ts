/* eslint-disable no-console -- a command-line tool */
import 'reflect-metadata';
import { readRosterConfig } from '@roster/config';
import { rebuildReadModels, registryProjections } from '@roster/read-models';
import { openStorage } from '@roster/runtime';

/**
 * `npm run rebuild-read-models`: drops the read-model tables and replays the whole event store into them.
 * Safe while the services run (they resubscribe); in all-in-one mode stop the process first (PGlite has one owner).
 */
const main = async () => {
  const config = readRosterConfig(
    process.env.EVENT_STORE && process.env.EVENT_STORE !== 'pglite' ? 'projector' : 'all-in-one',
  );
  const storage = await openStorage(config, 2);
  const started = Date.now();
  const result = await rebuildReadModels(storage.readModels, storage.eventStore, registryProjections, {
    onProgress: (position, events) => console.log(`replayed ${events} events (position ${position})`),
  });
  console.log(
    `rebuilt read models from ${result.events} events up to position ${result.position} in ${Date.now() - started} ms`,
  );
  await storage.close();
};

main().catch((error) => {
  console.error('rebuild failed:', error);
  process.exit(1);
});
