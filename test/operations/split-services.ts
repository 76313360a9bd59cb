import { randomBytes } from 'crypto';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { createScratchDatabase, kafkaBrokers, uniqueTopic } from '@roster/testing';
import { ManagementClient, fetchToken, freePort, managementClient } from '../support/roster-instance';
import { DIST, NodeService, ensureFreshBuild } from '../split-mode/node-service';

/**
 * Split mode for the operations suites: projector, registry and (with Kafka) log-exporter as OS processes on a
 * scratch PostgreSQL database, JSON logs, and a Management API client of the bootstrap admin.
 */
export interface SplitServices {
  env: Record<string, string>;
  databaseName: string;
  /** A connection to the scratch database, to look behind the services' back. */
  db: Client;
  projector: NodeService;
  registry: NodeService;
  exporter?: NodeService;
  all: NodeService[];
  api: ManagementClient;
  /** The bootstrap admin's credentials (a test checks that no log line contains them). */
  secrets: string[];
  stop(): Promise<void>;
}

export interface SplitOptions {
  /** Relay log events to Kafka and run the log-exporter. */
  kafka?: boolean;
  env?: Record<string, string>;
}

const distinctPorts = async (count: number): Promise<number[]> => {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
};

export const startSplitServices = async (options: SplitOptions = {}): Promise<SplitServices> => {
  ensureFreshBuild();
  const scratch = await createScratchDatabase('roster_ops');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-ops-'));
  const [registryPort, projectorPort, exporterPort] = await distinctPorts(3);
  const bootstrapId = `ops_admin_${randomBytes(8).toString('hex')}`;
  const bootstrapSecret = randomBytes(36).toString('base64url');
  const publicUrl = `http://127.0.0.1:${registryPort}`;
  const env: Record<string, string> = {
    EVENT_STORE: 'postgres',
    DATABASE_URL: scratch.url,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    BOOTSTRAP_CLIENT_ID: bootstrapId,
    BOOTSTRAP_CLIENT_SECRET: bootstrapSecret,
    MANAGEMENT_RATE_LIMIT: '100000',
    LOG_FORMAT: 'json',
    SHUTDOWN_TIMEOUT_SECONDS: '20',
    LOG_STREAM_MAX_RETRY_DELAY_SECONDS: '2',
    ...(options.kafka ? { KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_LOG_TOPIC: uniqueTopic('roster-ops') } : {}),
    ...options.env,
  };
  const projector = new NodeService(
    'projector',
    DIST.projector,
    { ...env, PORT: String(projectorPort) },
    projectorPort,
  );
  const registry = new NodeService('registry', DIST.registry, { ...env, PORT: String(registryPort) }, registryPort);
  const exporter = options.kafka
    ? new NodeService('log-exporter', DIST.logExporter, { ...env, PORT: String(exporterPort) }, exporterPort)
    : undefined;
  const all = [projector, registry, ...(exporter ? [exporter] : [])];
  const db = new Client({ connectionString: scratch.url });
  // A suite that cuts the database's connections cuts this one too; only its queries should fail then.
  db.on('error', () => undefined);
  const stop = async () => {
    await Promise.all(all.map((s) => (s.running ? s.stop('SIGTERM', 25_000) : undefined)));
    await db.end().catch(() => undefined);
    await scratch.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // The projector first: the registry's bootstrap writes wait for it to project them.
    for (const service of all) {
      service.start();
      await service.waitReady(60_000);
    }
    await db.connect();
    const base = `${publicUrl}/tenants/default`;
    const token = await fetchToken(`${base}/oauth/token`, bootstrapId, bootstrapSecret, `${base}/api/v2/`);
    return {
      env,
      databaseName: new URL(scratch.url).pathname.slice(1),
      db,
      projector,
      registry,
      exporter,
      all,
      api: managementClient(base, token),
      secrets: [bootstrapSecret, token, env.SECRETS_KEY],
      stop,
    };
  } catch (error) {
    const logs = all.map((s) => s.logs(4000)).join('\n');
    await stop();
    throw new Error(`${String(error)}\n${logs}`);
  }
};

/** Runs a test body and appends the services' output to its failure message. */
export const withLogs =
  (services: () => readonly (NodeService | undefined)[], body: () => Promise<void>) => async (): Promise<void> => {
    try {
      await body();
    } catch (error) {
      const logs = services()
        .map((s) => s?.logs(6000) ?? '')
        .join('\n');
      if (error instanceof Error) {
        error.message += `\n\n${logs}`;
        throw error;
      }
      throw new Error(`${String(error)}\n\n${logs}`);
    }
  };

/** The value of one series in a Prometheus text exposition (labels matched exactly, in any order). */
export const metricValue = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    const keys = Object.keys(labels);
    if (keys.length === Object.keys(found).length && keys.every((k) => found[k] === labels[k])) return Number(match[3]);
  }
  return undefined;
};

export const scrape = async (service: NodeService): Promise<string> => {
  const response = await fetch(`http://127.0.0.1:${service.port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics of ${service.name}: ${response.status}`);
  return response.text();
};

/** GET /health/{kind} of a service: status and body. */
export const health = async (service: NodeService, kind: 'live' | 'ready') => {
  const response = await fetch(`http://127.0.0.1:${service.port}/health/${kind}`, {
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Polls `probe` until it returns a value `accept` takes; fails with the last value after `timeoutMs`. */
export const eventually = async <T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: T | string = 'never probed';
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
};
