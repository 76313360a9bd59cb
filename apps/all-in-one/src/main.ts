import 'reflect-metadata';
import { readRosterConfig } from '@roster/config';
import { runService } from '@roster/runtime';
import { startRegistryHost } from '../../registry/src/registry-host';

// All-in-one: the registry with the read-model projections in one process, on the embedded store by default.
void runService('roster', async () => {
  const config = readRosterConfig('all-in-one');
  const host = await startRegistryHost(config, { runProjections: true });
  return { stop: host.stop, stopTimeoutMs: config.shutdownTimeoutSeconds * 1000 };
});
