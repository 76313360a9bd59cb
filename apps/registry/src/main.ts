import 'reflect-metadata';
import { readRosterConfig } from '@roster/config';
import { runService } from '@roster/runtime';
import { startRegistryHost } from './registry-host';

// Split mode: the registry alone, with the projector running as its own process.
void runService('registry', async () => {
  const config = readRosterConfig('registry');
  const host = await startRegistryHost(config, { runProjections: false });
  return { stop: host.stop, stopTimeoutMs: config.shutdownTimeoutSeconds * 1000 };
});
