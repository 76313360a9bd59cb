import 'reflect-metadata';
import { readRosterConfig } from '@roster/config';
import { runService } from '@roster/runtime';
import { startRegistryHost } from '../../registry/src/registry-host';

// All-in-one: the registry with the read-model projections in one process, on the embedded store by default.
void runService('roster', () =>
  startRegistryHost(readRosterConfig('all-in-one'), { runProjections: true }).then((host) => host.stop),
);
