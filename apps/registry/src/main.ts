import 'reflect-metadata';
import { readRosterConfig } from '@roster/config';
import { runService } from '@roster/runtime';
import { startRegistryHost } from './registry-host';

// Split mode: the registry alone, with the projector running as its own process.
void runService('registry', () =>
  startRegistryHost(readRosterConfig('registry'), { runProjections: false }).then((host) => host.stop),
);
