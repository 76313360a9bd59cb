import { randomBytes } from 'crypto';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { readRosterConfig, type RosterConfig, type RunMode } from '@roster/config';
import { parseSecretsKey } from '@roster/security';

/**
 * What can be checked of the packaging without a container engine: docker-compose.yml, the Dockerfile and
 * deploy/kubernetes parse, name only images and files that exist and variables the configuration reader reads, and
 * give each split service an environment the real reader accepts.
 */

const ROOT = path.resolve(__dirname, '../..');
const K8S_DIR = 'deploy/kubernetes';
const text = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

type Env = Record<string, string>;
type SplitMode = Exclude<RunMode, 'all-in-one'>;
const SPLIT_MODES: readonly SplitMode[] = ['registry', 'projector', 'log-exporter'];

/** Every document of a YAML file as plain data; a syntax error or a warning fails the test. */
const yamlDocuments = (file: string): unknown[] =>
  parseAllDocuments(text(file), { merge: true, prettyErrors: true }).map((doc) => {
    expect({ file, errors: doc.errors.map(String), warnings: doc.warnings.map(String) }).toEqual({
      file,
      errors: [],
      warnings: [],
    });
    return doc.toJS();
  });

// ---- the source of truth: the variables libs/config/src/roster-config.ts reads ----

const READER_CALL =
  /\b(?:readInt|readString|readUrl|readEnum|requireString|readKafkaTopic)(?:<[^>(]*>)?\(\s*env\s*,\s*'([A-Z][A-Z0-9_]*)'/g;
const READER_VARIABLES = new Set([...text('libs/config/src/roster-config.ts').matchAll(READER_CALL)].map((m) => m[1]));

/** Names that must come from a Secret: keys, secrets, passwords, tokens and connection strings (they carry users). */
const mustBeSecret = (name: string): boolean =>
  /(SECRET|PASSWORD|KEY|TOKEN)$/.test(name) || (name.endsWith('_URL') && name !== 'PUBLIC_URL');
/** A URL with a password in it (scheme://user:password@host). */
const CREDENTIALS_IN_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i;

// ---- what the build produces ----

const tsconfig = JSON.parse(text('tsconfig.json')) as { compilerOptions: { outDir: string } };
const buildConfig = JSON.parse(text('tsconfig.build.json')) as { include: string[] };

/** The service a command starts: `node dist/apps/<service>/src/main.js`, compiled from apps/<service>/src/main.ts. */
const serviceOfCommand = (command: unknown): string => {
  expect(Array.isArray(command)).toBe(true);
  const args = command as string[];
  expect(args[0]).toBe('node');
  const match = /^dist\/apps\/([a-z-]+)\/src\/main\.js$/.exec(args[1] ?? '');
  expect({ command: args, entry: match ? 'dist/apps/<service>/src/main.js' : 'other' }).toEqual({
    command: args,
    entry: 'dist/apps/<service>/src/main.js',
  });
  expect(existsSync(path.join(ROOT, 'apps', match![1], 'src', 'main.ts'))).toBe(true);
  return match![1];
};

/** The split mode a Roster service of a deployment runs: only the three split services belong there. */
const splitModeOf = (command: unknown): SplitMode => {
  const service = serviceOfCommand(command);
  expect(SPLIT_MODES).toContain(service);
  return service as SplitMode;
};

// ---- checks shared by Compose and Kubernetes ----

/** What the reader requires of a split service (ConfigError otherwise), plus what the deployment needs to work. */
const expectRunnable = (where: string, mode: SplitMode, env: Env): RosterConfig => {
  expect({ where, unknown: Object.keys(env).filter((name) => !READER_VARIABLES.has(name)) }).toEqual({
    where,
    unknown: [],
  });
  const missing = ['EVENT_STORE', 'DATABASE_URL', 'SECRETS_KEY'].filter((name) => !env[name]);
  if (env.EVENT_STORE === 'esdb' && !env.EVENTSTORE_URL) missing.push('EVENTSTORE_URL');
  // The reader requires brokers of the exporter only; without them the projector's relay is off and the exporter
  // would receive nothing.
  if (mode !== 'registry' && !env.KAFKA_BROKERS) missing.push('KAFKA_BROKERS');
  expect({ where, missing }).toEqual({ where, missing: [] });
  expect(['postgres', 'esdb']).toContain(env.EVENT_STORE);

  const config = readRosterConfig(mode, env);
  expect(config.mode).toBe(mode);
  if (mode !== 'registry') expect(config.kafkaBrokers.length).toBeGreaterThan(0);
  return config;
};

/** The split services of one deployment must share their stores, key and topic. */
const expectOneDeployment = (configs: Record<SplitMode, RosterConfig>): void => {
  const shared = (c: RosterConfig) => ({
    eventStore: c.eventStore,
    eventStoreUrl: c.eventStoreUrl,
    databaseUrl: c.databaseUrl,
    secretsKey: c.secretsKey,
  });
  expect(shared(configs.projector)).toEqual(shared(configs.registry));
  expect(shared(configs['log-exporter'])).toEqual(shared(configs.registry));
  const kafka = (c: RosterConfig) => ({ brokers: c.kafkaBrokers, topic: c.kafkaLogTopic });
  expect(kafka(configs['log-exporter'])).toEqual(kafka(configs.projector));
};

describe('the configuration reader as the source of truth', () => {
  it('yields the variables it reads', () => {
    for (const name of ['PORT', 'PUBLIC_URL', 'DATABASE_URL', 'EVENT_STORE', 'EVENTSTORE_URL', 'SECRETS_KEY'])
      expect(READER_VARIABLES).toContain(name);
    for (const name of ['KAFKA_BROKERS', 'KAFKA_LOG_TOPIC', 'BOOTSTRAP_CLIENT_SECRET', 'DATA_DIR'])
      expect(READER_VARIABLES).toContain(name);
    expect(READER_VARIABLES.size).toBeGreaterThanOrEqual(20);
  });

  it('builds every service entry point from apps/ into dist/', () => {
    expect(tsconfig.compilerOptions.outDir).toBe('dist');
    expect(buildConfig.include).toContain('apps');
    for (const service of [...SPLIT_MODES, 'all-in-one'])
      expect(serviceOfCommand(['node', `dist/apps/${service}/src/main.js`])).toBe(service);
  });
});

// ---- Dockerfile ----

describe('Dockerfile', () => {
  const lines = text('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = lines.filter((line) => /^FROM\s/i.test(line));
  const runtime = lines.slice(lines.lastIndexOf(stages[stages.length - 1]));
  const instruction = (name: string) => runtime.filter((line) => line.toUpperCase().startsWith(`${name} `));

  it('builds in one stage and runs from a second one that copies only the build output', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/\bAS\s+build$/i);
    expect(stages[stages.length - 1]).toMatch(/^FROM\s+node:\d+[\w.-]*-slim$/);
    for (const copy of instruction('COPY').filter((line) => !line.includes('--from=build')))
      expect(copy).toBe('COPY package.json ./');
  });

  it('runs as the numeric non-root node user (1000), which runAsNonRoot can verify', () => {
    const users = instruction('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).toBe('USER 1000:1000');
  });

  it('starts a built service by default and checks its health on PORT', () => {
    const cmd = instruction('CMD');
    expect(cmd).toHaveLength(1);
    expect(serviceOfCommand(JSON.parse(cmd[0].slice(4)))).toBe('all-in-one');
    const healthcheck = instruction('HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]).toContain('process.env.PORT');
    expect(healthcheck[0]).toContain('/health/ready');
  });

  it('sets only variables of the configuration reader (and NODE_ENV), with DATA_DIR where the image lets it write', () => {
    const names = instruction('ENV').flatMap((line) => [...line.matchAll(/\b([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]));
    expect(names).toEqual(expect.arrayContaining(['NODE_ENV', 'DATA_DIR']));
    expect(names.filter((name) => name !== 'NODE_ENV' && !READER_VARIABLES.has(name))).toEqual([]);
    // The default `./data` would sit under root-owned /app: DATA_DIR must point at a folder the node user owns.
    const dataDir = /\bDATA_DIR=(\S+)/.exec(instruction('ENV').join(' '))![1];
    expect(dataDir).toMatch(/^\//);
    const chown = instruction('RUN').find((line) => line.includes('chown'));
    expect(chown).toMatch(new RegExp(`chown\\s+(node|1000)(:(node|1000))?\\s+${dataDir}\\b`));
  });
});

// ---- docker-compose.yml ----

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  ports?: string[];
  stop_grace_period?: string;
}

/** Compose durations such as `30s` or `1m30s`; unset is Docker's 10 s before SIGKILL. */
const graceSeconds = (duration: string | undefined): number => {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? '10s');
  expect({ duration, parsed: Boolean(match && match[0]) }).toEqual({ duration, parsed: true });
  return Number(match![1] ?? 0) * 3600 + Number(match![2] ?? 0) * 60 + Number(match![3] ?? 0);
};

/** Pinned official images the compose file may pull (anything else is built from this repository). */
const OFFICIAL_IMAGES = [
  'eventstore/eventstore',
  'kurrentplatform/kurrentdb',
  'docker.kurrent.io/kurrent-latest/kurrentdb',
  'postgres',
  'apache/kafka',
];

/**
 * Compose's variable substitution: `$$`, `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}`. Any other `$` fails, as Compose would refuse it.
 */
const interpolate = (value: string, host: Env): string =>
  value.replace(
    /\$(?:(\$)|([A-Za-z_]\w*)|\{([A-Za-z_]\w*)(?:(:?)([-?])([^}$]*))?\}|)/g,
    (_match, dollar?: string, bare?: string, braced?: string, colon?: string, op?: string, arg?: string) => {
      if (dollar) return '$';
      const name = bare ?? braced;
      if (!name) throw new Error(`"${value}": a "$" that Compose cannot substitute (write $$ for a literal one)`);
      const set = host[name] !== undefined && (!colon || host[name] !== '');
      if (set) return host[name];
      if (op === '?') throw new Error(`compose refuses to start: ${arg}`);
      return op === '-' ? (arg ?? '') : '';
    },
  );

const composeEnvironment = (service: ComposeService, host: Env): Env => {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((item) => item.split(/=(.*)/s).slice(0, 2))
    : Object.entries(service.environment ?? {});
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(String(value ?? ''), host)]));
};

describe('docker-compose.yml', () => {
  const [compose] = yamlDocuments('docker-compose.yml') as [{ services: Record<string, ComposeService> }];
  const services = compose.services;
  const roster = Object.entries(services).filter(([, s]) => s.build !== undefined);
  const host: Env = { SECRETS_KEY: randomBytes(32).toString('base64') };

  it('brings up EventStoreDB, PostgreSQL, Kafka and the three split services', () => {
    const images = Object.values(services).map((s) => s.image?.replace(/:[^/:]*$/, ''));
    expect(images).toEqual(expect.arrayContaining(['kurrentplatform/kurrentdb', 'postgres', 'apache/kafka']));
    expect(roster.map(([, s]) => splitModeOf(s.command)).sort()).toEqual([...SPLIT_MODES].sort());
  });

  it('builds from this repository or pulls a pinned official image', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build !== undefined) {
        const build = typeof service.build === 'string' ? { context: service.build } : service.build;
        const dockerfile = path.join(ROOT, build.context ?? '.', build.dockerfile ?? 'Dockerfile');
        expect({ name, dockerfile: path.relative(ROOT, dockerfile), exists: existsSync(dockerfile) }).toEqual({
          name,
          dockerfile: 'Dockerfile',
          exists: true,
        });
        continue;
      }
      const match = /^(.+):([\w][\w.-]*)$/.exec(service.image ?? '');
      expect({ name, image: service.image, official: OFFICIAL_IMAGES.includes(match?.[1] ?? '') }).toEqual({
        name,
        image: service.image,
        official: true,
      });
      expect({ name, tag: match![2] }).not.toEqual({ name, tag: 'latest' });
    }
  });

  it('runs Kafka in KRaft mode, without ZooKeeper', () => {
    const kafka = Object.values(services).find((s) => s.image?.startsWith('apache/kafka:'))!;
    const env = composeEnvironment(kafka, host);
    expect(env.KAFKA_PROCESS_ROLES.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBeTruthy();
    expect(env.KAFKA_ZOOKEEPER_CONNECT).toBeUndefined();
    expect(Object.keys(services).filter((name) => /zookeeper/i.test(name))).toEqual([]);
  });

  it('gives every service a health check, the Roster services on /health/ready of their PORT', () => {
    for (const [name, service] of Object.entries(services)) {
      const test = service.healthcheck?.test;
      expect({ name, test: Array.isArray(test) && test.length > 1, disabled: service.healthcheck?.disable }).toEqual({
        name,
        test: true,
        disabled: undefined,
      });
    }
    for (const [name, service] of roster)
      expect({ name, test: (service.healthcheck!.test as string[]).join(' ') }).toEqual({
        name,
        test: expect.stringContaining("process.env.PORT || 3000) + '/health/ready'"),
      });
  });

  it('starts a service only once what it depends on is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, listForm: Array.isArray(service.depends_on) }).toEqual({ name, listForm: false });
      for (const [dependency, { condition } = {}] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency]).toBeDefined();
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
      }
    }
    // The registry and the exporter need the projector (read models, the relay's topic); it needs the stores.
    const nameOf = (mode: SplitMode) => roster.find(([, s]) => splitModeOf(s.command) === mode)![0];
    const dependsOn = (mode: SplitMode) => Object.keys(services[nameOf(mode)].depends_on ?? {});
    expect(dependsOn('projector')).toEqual(expect.arrayContaining(['eventstore', 'postgres', 'kafka']));
    expect(dependsOn('registry')).toContain(nameOf('projector'));
    expect(dependsOn('log-exporter')).toEqual(expect.arrayContaining([nameOf('projector'), 'kafka']));
  });

  it('gives each split service an environment the configuration reader accepts, shared stores and key', () => {
    const configs = {} as Record<SplitMode, RosterConfig>;
    for (const [name, service] of roster) {
      const mode = splitModeOf(service.command);
      const config = expectRunnable(`compose ${name}`, mode, composeEnvironment(service, host));
      expect(config.secretsKey).toBe(host.SECRETS_KEY);
      // Docker must not SIGKILL the service while it still drains within its own shutdown bound.
      expect(graceSeconds(service.stop_grace_period)).toBeGreaterThan(config.shutdownTimeoutSeconds);
      // A published port reaches the port the service listens on (its PORT).
      for (const mapping of service.ports ?? []) expect(Number(String(mapping).split(':').pop())).toBe(config.port);
      configs[mode] = config;
    }
    expectOneDeployment(configs);
  });

  it('refuses to start without SECRETS_KEY instead of running with an empty key', () => {
    for (const [, service] of roster) expect(() => composeEnvironment(service, {})).toThrow(/SECRETS_KEY/);
  });
});

// ---- deploy/kubernetes ----

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  resources?: string[];
  spec?: Record<string, unknown>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

interface Probe {
  httpGet?: { path: string; port: string | number };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

interface DeploymentSpec {
  replicas: number;
  strategy?: { type: string };
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: {
      securityContext?: Record<string, unknown>;
      terminationGracePeriodSeconds?: number;
      containers: Container[];
      volumes?: { name: string }[];
    };
  };
}

describe('deploy/kubernetes', () => {
  const files = readdirSync(path.join(ROOT, K8S_DIR))
    .filter((file) => file.endsWith('.yaml'))
    .sort();
  const objects = files.flatMap((file) =>
    yamlDocuments(`${K8S_DIR}/${file}`)
      .filter((doc) => doc !== null)
      .map((doc) => ({ file, object: doc as K8sObject })),
  );
  const ofKind = (kind: string) => objects.filter(({ object }) => object.kind === kind).map(({ object }) => object);
  const [configMap] = ofKind('ConfigMap');
  const [secret] = ofKind('Secret');
  const deployments = ofKind('Deployment');
  const containerOf = (deployment: K8sObject): Container => {
    const containers = (deployment.spec as unknown as DeploymentSpec).template.spec.containers;
    expect(containers).toHaveLength(1);
    return containers[0];
  };
  const modeOf = (deployment: K8sObject): SplitMode => {
    const container = containerOf(deployment);
    return splitModeOf([...(container.command ?? []), ...(container.args ?? [])]);
  };
  const deploymentOf = (mode: SplitMode): K8sObject => deployments.find((d) => modeOf(d) === mode)!;
  const specOf = (mode: SplitMode) => deploymentOf(mode).spec as unknown as DeploymentSpec;

  /** The environment a container gets: its ConfigMaps whole, then its own variables, Secret keys from the template. */
  const environmentOf = (container: Container): Env => {
    const env: Env = {};
    for (const source of container.envFrom ?? []) {
      expect(source.secretRef).toBeUndefined(); // secrets one by one: a service gets only the keys it needs
      expect(source.configMapRef?.name).toBe(configMap.metadata.name);
      Object.assign(env, configMap.data);
    }
    for (const variable of container.env ?? []) {
      const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
      if (secretKeyRef) {
        expect(secretKeyRef.name).toBe(secret.metadata.name);
        const value = secret.stringData?.[secretKeyRef.key];
        expect({ key: secretKeyRef.key, inTemplate: value !== undefined }).toEqual({
          key: secretKeyRef.key,
          inTemplate: true,
        });
        env[variable.name] = value!;
      } else if (configMapKeyRef) {
        expect(configMapKeyRef.name).toBe(configMap.metadata.name);
        env[variable.name] = configMap.data![configMapKeyRef.key];
      } else {
        expect({ variable: variable.name, secret: mustBeSecret(variable.name) }).toEqual({
          variable: variable.name,
          secret: false,
        });
        env[variable.name] = String(variable.value);
      }
    }
    return env;
  };

  it('parses into the namespace, ConfigMap, Secret template, Deployments and Services, all in namespace roster', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const { file, object } of objects) {
      expect({ file, apiVersion: typeof object.apiVersion, kind: typeof object.kind }).toEqual({
        file,
        apiVersion: 'string',
        kind: 'string',
      });
      if (object.kind === 'Kustomization') continue;
      expect({ file, name: object.metadata?.name }).toEqual({ file, name: expect.stringMatching(/^[a-z0-9-]+$/) });
      if (object.kind !== 'Namespace')
        expect({ file, namespace: object.metadata.namespace }).toEqual({ file, namespace: 'roster' });
    }
    expect(ofKind('Namespace').map((n) => n.metadata.name)).toEqual(['roster']);
    expect(ofKind('ConfigMap')).toHaveLength(1);
    expect(ofKind('Secret')).toHaveLength(1);
    expect(deployments.map(modeOf).sort()).toEqual([...SPLIT_MODES].sort());
  });

  it('applies every manifest with kustomize except the Secret template', () => {
    const [kustomization] = ofKind('Kustomization');
    const secretFile = objects.find(({ object }) => object.kind === 'Secret')!.file;
    expect(secretFile).toMatch(/example|template/);
    expect([...kustomization.resources!].sort()).toEqual(
      files.filter((file) => file !== 'kustomization.yaml' && file !== secretFile),
    );
  });

  it('keeps secrets out of the ConfigMap', () => {
    const data = configMap.data ?? {};
    expect(Object.keys(data).filter((name) => !READER_VARIABLES.has(name))).toEqual([]);
    expect(Object.keys(data).filter(mustBeSecret)).toEqual([]);
    expect(Object.entries(data).filter(([, value]) => CREDENTIALS_IN_URL.test(value))).toEqual([]);
  });

  it('ships the Secret as a template: placeholders only, and a SECRETS_KEY no service can start with', () => {
    expect(secret.data).toBeUndefined();
    const values = secret.stringData ?? {};
    expect(Object.keys(values).filter((name) => !READER_VARIABLES.has(name))).toEqual([]);
    expect(Object.keys(values)).toEqual(expect.arrayContaining(['SECRETS_KEY', 'DATABASE_URL']));
    expect(Object.entries(values).filter(([, value]) => !value.includes('CHANGE_ME'))).toEqual([]);
    expect(() => parseSecretsKey(values.SECRETS_KEY)).toThrow();
  });

  it('takes every secret variable from the Secret, every other one from the ConfigMap or a literal', () => {
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const env = environmentOf(container);
      for (const name of Object.keys(env).filter(mustBeSecret)) {
        const fromSecret = container.env?.some((v) => v.name === name && v.valueFrom?.secretKeyRef);
        expect({ deployment: deployment.metadata.name, name, fromSecret }).toEqual({
          deployment: deployment.metadata.name,
          name,
          fromSecret: true,
        });
      }
    }
  });

  it('gives each split service an environment the configuration reader accepts, shared stores and key', () => {
    const configs = {} as Record<SplitMode, RosterConfig>;
    for (const mode of SPLIT_MODES) {
      const container = containerOf(deploymentOf(mode));
      configs[mode] = expectRunnable(`kubernetes ${mode}`, mode, environmentOf(container));
      // The kubelet must not SIGKILL the pod while it still drains within its own shutdown bound (default grace 30 s).
      const grace = specOf(mode).template.spec.terminationGracePeriodSeconds ?? 30;
      expect(grace).toBeGreaterThan(configs[mode].shutdownTimeoutSeconds);
      // Probes and Services address the named port, which must be the one the service listens on.
      expect(container.ports).toEqual([{ name: 'http', containerPort: configs[mode].port }]);
    }
    expectOneDeployment(configs);
  });

  it('runs the image built from this repository, pinned, with the command choosing the service', () => {
    for (const deployment of deployments) {
      const { image } = containerOf(deployment);
      expect(image).toMatch(/^roster:[\w][\w.-]*$/);
      expect(image).not.toBe('roster:latest');
      expect(deployment.metadata.labels?.['app.kubernetes.io/component']).toBe(modeOf(deployment));
    }
  });

  it('probes liveness and readiness on the health routes, with resource requests and limits', () => {
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const name = deployment.metadata.name;
      const probe = (p?: Probe) => ({ name, path: p?.httpGet?.path, port: p?.httpGet?.port });
      expect(probe(container.livenessProbe)).toEqual({ name, path: '/health/live', port: 'http' });
      expect(probe(container.readinessProbe)).toEqual({ name, path: '/health/ready', port: 'http' });
      if (container.startupProbe)
        expect(probe(container.startupProbe)).toEqual({ name, path: '/health/live', port: 'http' });
      for (const kind of ['requests', 'limits'] as const)
        expect({ name, kind, set: Object.keys(container.resources?.[kind] ?? {}).sort() }).toEqual({
          name,
          kind,
          set: ['cpu', 'memory'],
        });
    }
  });

  it('runs as the non-root node user on a read-only root filesystem, writing only to DATA_DIR', () => {
    for (const deployment of deployments) {
      const { template } = deployment.spec as unknown as DeploymentSpec;
      const container = containerOf(deployment);
      const pod = template.spec.securityContext ?? {};
      const own = container.securityContext ?? {};
      const name = deployment.metadata.name;
      expect({
        name,
        runAsNonRoot: own.runAsNonRoot ?? pod.runAsNonRoot,
        runAsUser: own.runAsUser ?? pod.runAsUser,
      }).toEqual({ name, runAsNonRoot: true, runAsUser: 1000 });
      expect({
        name,
        allowPrivilegeEscalation: own.allowPrivilegeEscalation,
        readOnlyRootFilesystem: own.readOnlyRootFilesystem,
      }).toEqual({ name, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      // Split mode writes files only in DATA_DIR (the registry's bootstrap credentials): nothing else is mounted.
      const dataDir = environmentOf(container).DATA_DIR;
      expect({ name, mounts: (container.volumeMounts ?? []).map((m) => m.mountPath) }).toEqual({
        name,
        mounts: dataDir ? [dataDir] : [],
      });
    }
    expect(environmentOf(containerOf(deploymentOf('registry'))).DATA_DIR).toBeDefined();
  });

  it('scales the registry, keeps one projector, and no more exporters than the log topic has partitions', () => {
    expect(specOf('registry').replicas).toBeGreaterThanOrEqual(2);
    // One writer of the read models and one relay producer: never two projectors, not even during a rollout.
    expect(specOf('projector').replicas).toBe(1);
    expect(specOf('projector').strategy?.type).toBe('Recreate');
    // The relay creates the topic with this many partitions; an exporter beyond them gets none and sits idle.
    const relaySources = readdirSync(path.join(ROOT, 'libs/log-relay/src'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map((file) => text(`libs/log-relay/src/${file}`));
    const defaults = relaySources.flatMap((source) =>
      [...source.matchAll(/numPartitions:\s*this\.options\.partitions\s*\?\?\s*(\d+)/g)].map((m) => Number(m[1])),
    );
    expect(defaults).toHaveLength(1);
    const [partitions] = defaults;
    expect(partitions).toBeGreaterThan(0);
    expect(specOf('log-exporter').replicas).toBeGreaterThanOrEqual(1);
    expect(specOf('log-exporter').replicas).toBeLessThanOrEqual(partitions);
  });

  it('selects each Deployment’s own pods, and its Service targets the named port', () => {
    const services = ofKind('Service');
    for (const mode of SPLIT_MODES) {
      const spec = specOf(mode);
      expect(spec.template.metadata.labels).toEqual(expect.objectContaining(spec.selector.matchLabels));
      const others = SPLIT_MODES.filter((m) => m !== mode).map((m) => specOf(m).template.metadata.labels);
      for (const labels of others) expect(labels).not.toEqual(expect.objectContaining(spec.selector.matchLabels));
      const service = services.find((s) => {
        const selector = (s.spec as { selector: Record<string, string> }).selector;
        return Object.entries(selector).every(([k, v]) => spec.template.metadata.labels[k] === v);
      });
      expect({ mode, service: service?.metadata.name }).toEqual({ mode, service: expect.any(String) });
      const ports = (service!.spec as { ports: { targetPort: string | number }[] }).ports;
      expect(ports.map((p) => p.targetPort)).toEqual(['http']);
    }
  });
});
