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
  ProjectionRunner,
  registryProjections,
} from '@roster/read-models';
import { openStorage, runService } from '@roster/runtime';
import { KafkaLogRelay } from '@roster/log-relay';
import { kafkaFor, kafkaReadiness } from '../../log-exporter/src/log-export-host';
import { KafkaIntegrationRelay, integrationRelayRoute } from '@roster/integration-events';
import { collectProjectionLag, collectRelayLag, logRelayMeasure } from './lag-metrics';

@Module({})
class ProjectorModule {}

// Split mode: builds the read models from the event store; serves health and metrics on PORT.
void runService('projector', async () => {
  const config = readRosterConfig('projector');
  const processLogger = createLogger(config.logFormat, { service: 'projector' });
  Logger.overrideLogger(processLogger);
  const logger = new Logger('projector');
  const storage = await openStorage(config, 4);
  const runner = new ProjectionRunner(storage.readModels, storage.eventStore, registryProjections);
  const logsRunner = logsProjectionRunner(storage.readModels, storage.eventStore);
  await runner.start();
  await logsRunner.start();
  // A runner retries on its own (database or event store away); the operator still wants to see why it is behind.
  for (const r of [runner, logsRunner]) {
    r.onError((error) => logger.warn(`projection ${r.checkpointName} failed, retrying: ${(error as Error)?.message}`));
  }
  const retention = new LogRetentionJob(storage.readModels, reportTo(logger));
  retention.start();
  // Log events go on to Kafka for the log-exporter (and any other consumer) when a broker is configured.
  const relay =
    config.kafkaBrokers.length > 0
      ? new KafkaLogRelay(storage.eventStore, kafkaFor(config, 'roster-projector'), {
          topic: config.kafkaLogTopic,
          report: reportTo(logger),
        })
      : undefined;
  // Integration events (CloudEvents) for other services' subscribers, on their own topic.
  const integrationRelay =
    config.kafkaBrokers.length > 0
      ? new KafkaIntegrationRelay(storage.eventStore, kafkaFor(config, 'roster-projector-integration'), {
          topic: config.kafkaIntegrationTopic,
          report: reportTo(logger),
        })
      : undefined;
  if (!relay) logger.warn('KAFKA_BROKERS is not set: log and integration events are not relayed to Kafka');
  await relay?.start();
  await integrationRelay?.start();
  const metrics = new MetricsRegistry();
  const checkpoint = metrics.gauge(
    'roster_projection_checkpoint',
    'Global position of the last event applied to the read models',
  );
  for (const r of [runner, logsRunner]) checkpoint.set({ checkpoint: r.checkpointName }, () => Number(r.position));
  if (relay) checkpoint.set({ checkpoint: 'kafka-relay' }, () => Number(relay.position));
  if (integrationRelay) {
    checkpoint.set({ checkpoint: 'kafka-integration-relay' }, () => Number(integrationRelay.position));
  }
  collectProjectionLag(metrics, storage.eventStore, [
    { runner, projections: registryProjections },
    { runner: logsRunner, projections: logProjections },
  ]);
  if (relay && integrationRelay) {
    collectRelayLag(metrics, storage.eventStore, [
      logRelayMeasure(relay),
      { relay: integrationRelay, name: 'integration-events', filter: integrationRelayRoute.filter },
    ]);
  }
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
          ...(relay ? [kafkaReadiness(config)] : []),
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
      await relay?.stop();
      await integrationRelay?.stop();
      await retention.stop();
      await runner.stop();
      await logsRunner.stop();
      await storage.close();
    },
  };
});
