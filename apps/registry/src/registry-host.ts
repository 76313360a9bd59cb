import { Logger } from '@nestjs/common';
import { Module, DynamicModule } from '@nestjs/common';
import { ConfigError, type RosterConfig } from '@roster/config';
import { HealthModule, MetricsRegistry, ReadinessCheck, createLogger, reportTo } from '@roster/observability';
import {
  LOGS_CHECKPOINT,
  logProjections,
  logsProjectionRunner,
  LogRetentionJob,
  registryProjectionRunner,
  ReadModelFreshness,
  registryProjections,
} from '@roster/read-models';
import type { CommandMetrics } from './infrastructure/write-model';
import { Storage, loadOrCreateSecretsKey, openStorage } from '@roster/runtime';
import { createSecretCrypto, parseSecretsKey } from '@roster/security';
import { OPERATOR_TENANT } from './auth/management-scopes';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { TenantKeys } from './tenancy/tenant-keys';
import { createHttpApp } from './http/http-app';
import { ChangeFeed } from './infrastructure/change-feed';
import { StreamStateCache } from './infrastructure/stream-state-cache';
import { RegistryModule } from './registry.module';
import { registerTokenRoute } from './oauth/token.route';
import { TokenService } from './oauth/token.service';
import { ManagementCallLog } from './logs/management-call-log';
import { kafkaReadiness, startLogExport } from '../../log-exporter/src/log-export-host';
import { startKafkaRelays } from '../../projector/src/kafka-relays';
import { collectProjectionLag } from '../../projector/src/lag-metrics';
import { TokenExchangeLog } from './logs/token-exchange-log';
import { DynamicRegistration } from './registration/dynamic-registration';
import { registerRegistrationRoutes } from './registration/registration.routes';

/** Streams whose cached states the registry keeps; the change feed evicts them when another process writes. */
const CACHED_STREAM_PREFIXES = [
  'tenant-',
  'application-',
  'client-grant-',
  'resource-server-',
  'initial-access-tokens-',
];

@Module({})
class RegistryHostModule {
  static forRoot(imports: DynamicModule[]): DynamicModule {
    return { module: RegistryHostModule, imports };
  }
}

/** `roster_commands_total{command,outcome}` and `roster_command_duration_seconds{command}`. */
const commandMetrics = (metrics: MetricsRegistry): CommandMetrics => {
  const total = metrics.counter('roster_commands_total', 'Commands run by the registry, by command type and outcome');
  const duration = metrics.histogram(
    'roster_command_duration_seconds',
    'Command duration by type: decide, append and wait until the read models show it',
  );
  return {
    observe: (command, outcome, seconds) => {
      total.inc({ command, outcome });
      duration.observe({ command }, seconds);
    },
  };
};

export interface RegistryHost {
  /** The stores this process opened (tests read the event store through it). */
  storage: Storage;
  stop(): Promise<void>;
}

/**
 * Starts the registry's HTTP service. With `runProjections` (all-in-one) the read models are built in this process;
 * otherwise (split mode) the projector service builds them and this process waits on its checkpoint.
 */
export const startRegistryHost = async (
  config: RosterConfig,
  options: { runProjections: boolean },
): Promise<RegistryHost> => {
  const processLogger = createLogger(config.logFormat, {
    service: config.mode === 'all-in-one' ? 'roster' : 'registry',
  });
  Logger.overrideLogger(processLogger);
  const logger = new Logger('registry');
  const secretsKey = await loadOrCreateSecretsKey(config.secretsKey, config.dataDir);
  const secrets = createSecretCrypto(parseSecretsKey(secretsKey));
  const storage = await openStorage(config);
  const metrics = new MetricsRegistry();

  const runner = options.runProjections ? registryProjectionRunner(storage.readModels, storage.eventStore) : undefined;
  const logsRunner = options.runProjections
    ? logsProjectionRunner(storage.readModels, storage.eventStore, { eventsTable: storage.eventsTable })
    : undefined;
  await runner?.start();
  await logsRunner?.start();
  for (const r of [runner, logsRunner]) {
    r?.onError((error) => logger.warn(`projection ${r.checkpointName} failed, retrying: ${(error as Error)?.message}`));
  }
  const freshness = new ReadModelFreshness(storage.readModels, { runner });
  const logsFreshness = new ReadModelFreshness(storage.readModels, { runner: logsRunner, checkpoint: LOGS_CHECKPOINT });
  const retention = options.runProjections ? new LogRetentionJob(storage.readModels, reportTo(logger)) : undefined;
  retention?.start();
  metrics
    .gauge('roster_read_model_checkpoint', 'Global position the read models include, as this process knows it')
    .set({}, () => Number(freshness.position));
  const projectionRunners = [
    ...(runner ? [{ runner, projections: registryProjections }] : []),
    ...(logsRunner ? [{ runner: logsRunner, projections: logProjections }] : []),
  ];
  collectProjectionLag(metrics, storage.eventStore, projectionRunners);
  const relayed = options.runProjections && config.kafkaBrokers.length > 0;
  const readiness: ReadinessCheck[] = [
    { name: 'event_store', check: async () => void (await storage.eventStore.headPosition()) },
    { name: 'read_models', check: async () => void (await storage.readModels.query('SELECT 1')) },
    ...(options.runProjections
      ? [
          {
            name: 'projections',
            check: async () => {
              if (!runner?.running || !logsRunner?.running) throw new Error('stopped');
            },
          },
        ]
      : []),
    // All-in-one serves the API without its Kafka relay: a broker down shows, but keeps the process in rotation.
    ...(relayed ? [kafkaReadiness(config, false)] : []),
  ];
  const cache = new StreamStateCache(storage.eventStore);
  // All-in-one is the only writer, and its own writes update the cache; split mode may run several registries.
  const feed = options.runProjections ? undefined : new ChangeFeed(storage.eventStore, cache, CACHED_STREAM_PREFIXES);
  await feed?.start();

  const app = await createHttpApp(
    RegistryHostModule.forRoot([
      RegistryModule.forRoot({
        config,
        storage,
        secrets,
        cache,
        freshness,
        logsFreshness,
        commandMetrics: commandMetrics(metrics),
      }),
      HealthModule.forRoot(metrics, readiness),
    ]),
    { bodyLimitBytes: config.bodyLimitBytes, metrics, logger: processLogger },
  );
  const fastify = app.getHttpAdapter().getInstance();
  app.get(ManagementCallLog).attach(fastify);
  registerTokenRoute(fastify, app.get(TokenService), app.get(TokenExchangeLog));
  registerRegistrationRoutes(fastify, app.get(DynamicRegistration));
  await app.init();
  await app.get(BootstrapService).ensureBootstrapped();
  // A SECRETS_KEY other than the one the stored keys were sealed with would fail every token and hash check while
  // the process looked healthy: refuse to start instead.
  const keysOpen = await app
    .get(TenantKeys)
    .signingKey(OPERATOR_TENANT)
    .then(() => true)
    .catch(() => false);
  // What runs from here on and stops before the rest (see `stop`).
  const started: { stop(): Promise<void> }[] = [];
  // HTTP first: app.close() stops accepting connections and waits for the requests in flight (their commands append
  // and wait for the projections, which therefore stop later); then the background work, then the stores.
  const stop = async () => {
    await app.close();
    for (const service of started) await service.stop();
    await feed?.stop();
    await retention?.stop();
    await freshness.close();
    await logsFreshness.close();
    await runner?.stop();
    await logsRunner?.stop();
    await storage.close();
  };
  if (!keysOpen) {
    await stop();
    throw new ConfigError(
      'SECRETS_KEY does not open the keys stored with this data: use the key this deployment was created with',
    );
  }
  // All-in-one also delivers the log streams, from the event store's own log (and relays to Kafka when one is set).
  const exporter = options.runProjections
    ? await startLogExport(config, storage, secrets, { kind: 'event-store' }, metrics)
    : undefined;
  const kafka = relayed
    ? await startKafkaRelays(config, storage.eventStore, metrics, logger, 'roster-relay')
    : undefined;
  for (const service of [exporter, kafka]) if (service) started.push(service);
  await app.listen(config.port, '0.0.0.0');
  logger.log(`listening on ${config.publicUrl} (event store: ${config.eventStore}, port ${config.port})`);

  return { storage, stop };
};
