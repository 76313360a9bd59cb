import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { readRosterConfig } from '@roster/config';
import { HealthModule, MetricsRegistry, createLogger, reportTo } from '@roster/observability';
import {
  logProjections,
  logsProjectionRunner,
  LogRetentionJob,
  registryProjectionRunner,
  registryProjections,
} from '@roster/read-models';
import { openStorage, runService } from '@roster/runtime';
import { kafkaReadiness } from '../../log-exporter/src/log-export-host';
import { startKafkaRelays } from './kafka-relays';
import { collectProjectionLag } from './lag-metrics';

@Module({})
class ProjectorModule {}

// Split mode: builds the read models from the event store; serves health and metrics on PORT.
void runService('projector', async () => {
  const config = readRosterConfig('projector');
  const processLogger = createLogger(config.logFormat, { service: 'projector' });
  Logger.overrideLogger(processLogger);
  const logger = new Logger('projector');
  const storage = await openStorage(config, 4);
  const runner = registryProjectionRunner(storage.readModels, storage.eventStore);
  const logsRunner = logsProjectionRunner(storage.readModels, storage.eventStore, { eventsTable: storage.eventsTable });
  await runner.start();
  await logsRunner.start();
  // A runner retries on its own (database or event store away); the operator still wants to see why it is behind.
  for (const r of [runner, logsRunner]) {
    r.onError((error) => logger.warn(`projection ${r.checkpointName} failed, retrying: ${(error as Error)?.message}`));
  }
  const retention = new LogRetentionJob(storage.readModels, reportTo(logger));
  retention.start();
  const metrics = new MetricsRegistry();
  // Log events go on to Kafka for the log-exporter, and integration events for other services, when a broker is set.
  const kafka =
    config.kafkaBrokers.length > 0
      ? await startKafkaRelays(config, storage.eventStore, metrics, logger, 'roster-projector')
      : undefined;
  if (!kafka) logger.warn('KAFKA_BROKERS is not set: log and integration events are not relayed to Kafka');
  const checkpoint = metrics.gauge(
    'roster_projection_checkpoint',
    'Global position of the last event applied to the read models',
  );
  for (const r of [runner, logsRunner]) checkpoint.set({ checkpoint: r.checkpointName }, () => Number(r.position));
  for (const { checkpoint: name, relay } of kafka?.relays ?? []) {
    checkpoint.set({ checkpoint: name }, () => Number(relay.position));
  }
  collectProjectionLag(metrics, storage.eventStore, [
    { runner, projections: registryProjections },
    { runner: logsRunner, projections: logProjections },
  ]);
  const app = await NestFactory.create(
    {
      module: ProjectorModule,
      imports: [
        HealthModule.forRoot(metrics, [
          { name: 'event_store', check: async () => void (await storage.eventStore.headPosition()) },
          { name: 'read_models', check: async () => void (await storage.readModels.query('SELECT 1')) },
          {
            name: 'projections',
            check: async () => {
              if (!runner.running || !logsRunner.running) throw new Error('stopped');
            },
          },
          ...(kafka ? [kafkaReadiness(config)] : []),
        ]),
      ],
    },
    new FastifyAdapter(),
    { logger: processLogger },
  );
  await app.listen(config.port, '0.0.0.0');
  logger.log(`projecting into read models; health on port ${config.port}`);
  return {
    stopTimeoutMs: config.shutdownTimeoutSeconds * 1000,
    // Each runner stops after its batch in flight commits (rows and checkpoint in one transaction); the relay after
    // its produce in flight was acknowledged.
    stop: async () => {
      await app.close();
      await kafka?.stop();
      await retention.stop();
      await runner.stop();
      await logsRunner.stop();
      await storage.close();
    },
  };
});
