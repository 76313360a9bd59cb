/**
 * EventStoreDB in tests: the server of EVENTSTORE_URL, or else a KurrentDB container of the suite's own, started
 * through testcontainers wherever a Docker engine answers. With neither, suites skip loudly, or fail when
 * REQUIRE_SERVICES names `eventstore`.
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { createServer } from 'net';
import { homedir } from 'os';
import * as path from 'path';
import type { StartedTestContainer } from 'testcontainers';
import { requiredServices, serviceUrl } from './services';

/** The server image the suites run against (single insecure node). */
export const KURRENTDB_IMAGE = 'kurrentplatform/kurrentdb:26.1';

const KURRENTDB_PORT = 2113;
const STARTUP_TIMEOUT_MS = 120_000;
/** An image pull on a cold machine comes on top of the startup. */
const START_HOOK_TIMEOUT_MS = 600_000;
/** A node that answers its health check may still be electing itself leader: reads say "not ready" meanwhile. */
const SERVING_TIMEOUT_MS = 60_000;

export type EventStoreAvailability = 'url' | 'container' | 'none';

/**
 * Where testcontainers would look for a Docker engine, in its own order (a `tc.host` or `docker.host` in
 * ~/.testcontainers.properties, DOCKER_HOST, then the usual sockets), whether anything answers there or not.
 */
const dockerCandidate = (): string | undefined => {
  const properties = path.join(homedir(), '.testcontainers.properties');
  if (existsSync(properties) && /^\s*(tc|docker)\.host\s*[=:]/m.test(readFileSync(properties, 'utf8'))) {
    return properties;
  }
  if (process.env.DOCKER_HOST) return `DOCKER_HOST=${process.env.DOCKER_HOST}`;
  if (process.platform === 'win32') return '//./pipe/docker_engine';
  const uid = process.getuid?.();
  return [
    '/var/run/docker.sock',
    process.env.XDG_RUNTIME_DIR && path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock'),
    path.join(homedir(), '.docker', 'run', 'docker.sock'),
    path.join(homedir(), '.docker', 'desktop', 'docker.sock'),
    uid !== undefined && `/run/user/${uid}/docker.sock`,
  ].find((socket): socket is string => Boolean(socket) && existsSync(socket as string));
};

export interface DockerEngine {
  /** The socket, variable or file that names the engine. */
  where: string;
  answers: boolean;
  /** Why it does not answer. */
  problem?: string;
}

let docker: DockerEngine | null | undefined;

/**
 * The Docker engine testcontainers would use: where it was found and whether it answers. A socket file alone proves
 * little (Docker Desktop leaves it behind when it stops), so testcontainers itself is asked, in a child process because
 * jest collects suites synchronously. Asked once per process, and only when there is somewhere to ask.
 */
export const dockerEngine = (): DockerEngine | undefined => {
  if (docker !== undefined) return docker ?? undefined;
  const where = dockerCandidate();
  if (!where) {
    docker = null;
    return undefined;
  }
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  try {
    execFileSync(
      process.execPath,
      [
        '-e',
        "require('testcontainers').getContainerRuntimeClient().then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })",
      ],
      { cwd: __dirname, env, stdio: 'pipe', timeout: 20_000 },
    );
    docker = { where, answers: true };
  } catch (error) {
    const { stderr, message } = error as { stderr?: Buffer; message: string };
    docker = { where, answers: false, problem: stderr?.toString().trim() || message };
  }
  return docker;
};

/**
 * What the EventStoreDB suites will run on: the server of EVENTSTORE_URL; else a container, when a Docker engine
 * answers; else nothing.
 */
export const eventStoreAvailability = (): EventStoreAvailability =>
  serviceUrl('eventstore') ? 'url' : dockerEngine()?.answers ? 'container' : 'none';

/** A suite that must have an empty server of its own runs only on a container. */
const serverFor = (fresh: boolean): EventStoreAvailability => {
  if (!fresh) return eventStoreAvailability();
  return dockerEngine()?.answers ? 'container' : 'none';
};

const noDockerReason = (): string => {
  const engine = dockerEngine();
  return engine
    ? `the Docker engine of ${engine.where} does not answer (${engine.problem})`
    : 'no Docker engine was found';
};

export interface EventStoreSuiteOptions {
  /**
   * Why the suite cannot share a server with earlier runs. It then runs only on a container of its own, and with
   * EVENTSTORE_URL alone it skips, saying so. Pass `{ fresh: true }` to `useEventStoreServer` inside it.
   */
  needsFreshServer?: string;
}

/** `describe` when an EventStoreDB is at hand (see `eventStoreAvailability`); a loud skip otherwise, or a failure. */
export const describeWithEventStore = (
  name: string,
  body: () => void,
  { needsFreshServer }: EventStoreSuiteOptions = {},
): void => {
  if (serverFor(Boolean(needsFreshServer)) !== 'none') {
    describe(name, body);
    return;
  }
  if (needsFreshServer && serviceUrl('eventstore')) {
    // A shared server cannot give this suite what it needs; REQUIRE_SERVICES is about having a server at all.
    process.stderr.write(
      `\n*** SKIPPED "${name}": it needs an empty EventStoreDB of its own (${needsFreshServer}), and EVENTSTORE_URL ` +
        `is a shared one; it runs on a container where a Docker engine answers, and ${noDockerReason()} ***\n`,
    );
    describe.skip(name, body);
    return;
  }
  const missing = `EVENTSTORE_URL is not set and ${noDockerReason()}`;
  if (requiredServices().has('eventstore')) {
    describe(name, () => {
      it('needs eventstore', () => {
        throw new Error(`REQUIRE_SERVICES names eventstore but ${missing}`);
      });
    });
    return;
  }
  // Straight to stderr: in a full run jest drops the console output of a suite whose tests all skip.
  process.stderr.write(
    `\n*** SKIPPED "${name}": ${missing} (set EVENTSTORE_URL, start Docker, or REQUIRE_SERVICES=eventstore to fail) ***\n`,
  );
  describe.skip(name, body);
};

export interface EventStoreServer {
  /** Connection string for @eventstore/db-client 6.x, e.g. `esdb://127.0.0.1:32771?tls=false`; known from beforeAll. */
  url(): string;
  /**
   * Restarts the server in place (same address, same data) and resolves once it serves reads again. Only on a
   * container the suite started: a server of EVENTSTORE_URL is not the test's to restart.
   */
  restart?(): Promise<void>;
}

/**
 * The EventStoreDB of the enclosing `describeWithEventStore`: EVENTSTORE_URL's, or a KurrentDB container that
 * beforeAll starts and afterAll removes. `fresh` must match the suite's `needsFreshServer`.
 */
export const useEventStoreServer = ({ fresh = false }: { fresh?: boolean } = {}): EventStoreServer => {
  const mode = serverFor(fresh);
  if (mode === 'none') {
    // Inside describeWithEventStore's skipped describe: nothing will run. Anywhere else, the first use says why.
    const unavailable = (): never => {
      throw new Error('useEventStoreServer: no EventStoreDB at hand; use it inside describeWithEventStore');
    };
    return { url: unavailable, restart: async () => unavailable() };
  }
  if (mode === 'url') {
    const url = serviceUrl('eventstore')!;
    return { url: () => url };
  }
  let started: { container: StartedTestContainer; url: string; port: number } | undefined;
  beforeAll(async () => {
    started = await startKurrentDb();
  }, START_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await started?.container.stop();
  }, 60_000);
  const current = () => {
    if (!started) throw new Error('the EventStoreDB container is not running: use the server in hooks and tests');
    return started;
  };
  return {
    url: () => current().url,
    restart: async () => {
      const { container, url, port } = current();
      // Waits for the health check again (testcontainers keeps the wait strategy).
      await container.restart();
      if (container.getMappedPort(KURRENTDB_PORT) !== port) {
        throw new Error(`the restarted EventStoreDB container is no longer on port ${port}`);
      }
      await waitUntilServing(url);
    },
  };
};

const startKurrentDb = async (): Promise<{ container: StartedTestContainer; url: string; port: number }> => {
  const { GenericContainer, Wait } = await import('testcontainers');
  // A fixed host port: Docker may publish a container on another random port after a restart, and the clients under
  // test keep the address they were given.
  const port = await freePort();
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(KURRENTDB_IMAGE)
      .withExposedPorts({ container: KURRENTDB_PORT, host: port })
      .withEnvironment({
        KURRENTDB_CLUSTER_SIZE: '1',
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_RUN_PROJECTIONS: 'All',
      })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
  } catch (error) {
    throw new Error(
      `Could not start ${KURRENTDB_IMAGE} with the Docker engine of ${dockerEngine()?.where}: ${(error as Error).message}` +
        ' (or set EVENTSTORE_URL to use a running server)',
      { cause: error },
    );
  }
  const url = `esdb://${container.getHost()}:${port}?tls=false`;
  try {
    await waitUntilServing(url);
  } catch (error) {
    await container.stop();
    throw error;
  }
  return { container, url, port };
};

/** Resolves once the server answers a read of $all. */
const waitUntilServing = async (url: string): Promise<void> => {
  const { EventStoreDBClient } = await import('@eventstore/db-client');
  const client = EventStoreDBClient.connectionString(url);
  const deadline = Date.now() + SERVING_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        for await (const _event of client.readAll({ maxCount: 1 })) break;
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`EventStoreDB at ${url} still refuses reads: ${(error as Error).message}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await client.dispose();
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
