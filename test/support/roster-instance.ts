import { mkdtemp, readFile, rm } from 'fs/promises';
import { createServer } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { readRosterConfig } from '@roster/config';
import type { Storage } from '@roster/runtime';
import { startRegistryHost } from '../../apps/registry/src/registry-host';

export interface BootstrapCredentials {
  tenant: string;
  client_id: string;
  client_secret: string;
  token_endpoint: string;
  audience: string;
}

export interface RosterInstance {
  url: string;
  /** `PUBLIC_URL/tenants/default` */
  tenantBase: (tenant?: string) => string;
  dataDir: string;
  bootstrap: BootstrapCredentials;
  /** The event store and read-model database of the running process. */
  storage: Storage;
  stop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * The all-in-one process, started in this test process on a free port with its own DATA_DIR (embedded PGlite unless
 * `env` says otherwise). `stop` closes it and deletes the folder.
 */
export const startRoster = async (env: Record<string, string> = {}): Promise<RosterInstance> => {
  const port = await freePort();
  const dataDir = env.DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'roster-e2e-')));
  const url = `http://127.0.0.1:${port}`;
  const config = readRosterConfig('all-in-one', { PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir, ...env });
  const host = await startRegistryHost(config, { runProjections: true });
  const bootstrap = JSON.parse(
    await readFile(path.join(dataDir, 'bootstrap-credentials.json'), 'utf8'),
  ) as BootstrapCredentials;
  return {
    url,
    dataDir,
    bootstrap,
    storage: host.storage,
    tenantBase: (tenant = 'default') => `${url}/tenants/${tenant}`,
    stop: async () => {
      await host.stop();
      if (!env.DATA_DIR) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** A client_credentials token (client_secret_post) for `audience`. */
export const fetchToken = async (
  tokenEndpoint: string,
  clientId: string,
  clientSecret: string,
  audience: string,
  scope?: string,
): Promise<string> => {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    audience,
  });
  if (scope) body.set('scope', scope);
  const response = await fetch(tokenEndpoint, { method: 'POST', body });
  const json = (await response.json()) as { access_token?: string; error?: string };
  if (!response.ok || !json.access_token)
    throw new Error(`token request failed: ${response.status} ${JSON.stringify(json)}`);
  return json.access_token;
};

/** A small JSON client for the Management API of one tenant. */
export const managementClient = (base: string, token: string) => {
  const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/api/v2/${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body?: unknown, headers?: Record<string, string>) => call('POST', route, body ?? {}, headers),
    patch: (route: string, body: unknown) => call('PATCH', route, body),
    delete: (route: string) => call('DELETE', route),
    raw: call,
  };
};

export type ManagementClient = ReturnType<typeof managementClient>;
