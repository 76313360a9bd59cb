import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { readRosterConfig } from '@roster/config';
import { HealthModule, MetricsRegistry } from '@roster/observability';
import { ProjectionRunner, registryProjections } from '@roster/read-models';
import { openStorage, runService } from '@roster/runtime';

@Module({})
class ProjectorModule {}

// Split mode: builds the read models from the event store; serves health and metrics on PORT.
void runService('projector', async () => {
  const config = readRosterConfig('projector');
  const logger = new Logger('projector');
  const storage = await openStorage(config, 4);
  const runner = new ProjectionRunner(storage.readModels, storage.eventStore, registryProjections);
  await runner.start();
  const metrics = new MetricsRegistry();
  metrics
    .gauge('roster_projection_checkpoint', 'Global position of the last event applied to the read models')
    .set({ checkpoint: runner.checkpointName }, () => Number(runner.position));
  const app = await NestFactory.create(
    {
      module: ProjectorModule,
      imports: [
        HealthModule.forRoot(metrics, [
          { name: 'event_store', check: async () => void (await storage.eventStore.headPosition()) },
          { name: 'read_models', check: async () => void (await storage.readModels.query('SELECT 1')) },
          { name: 'projections', check: async () => void (runner.running || Promise.reject(new Error('stopped'))) },
        ]),
      ],
    },
    new FastifyAdapter(),
    { logger: ['error', 'warn', 'log'] },
  );
  await app.listen(config.port, '0.0.0.0');
  logger.log(`projecting into read models; health on port ${config.port}`);
  return async () => {
    await app.close();
    await runner.stop();
    await storage.close();
  };
});
