import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { readRosterConfig } from '@roster/config';
import { HealthModule, MetricsRegistry, createLogger } from '@roster/observability';
import { openStorage, runService } from '@roster/runtime';
import { createSecretCrypto, parseSecretsKey } from '@roster/security';
import { kafkaFor, kafkaReadiness, startLogExport } from './log-export-host';

@Module({})
class LogExporterModule {}

// Split mode: delivers each log stream from Kafka to its SIEM; serves health and metrics on PORT.
void runService('log-exporter', async () => {
  const config = readRosterConfig('log-exporter');
  const processLogger = createLogger(config.logFormat, { service: 'log-exporter' });
  Logger.overrideLogger(processLogger);
  const logger = new Logger('log-exporter');
  const storage = await openStorage(config, 4);
  const secrets = createSecretCrypto(parseSecretsKey(config.secretsKey!));
  const kafka = kafkaFor(config, 'roster-log-exporter');
  const metrics = new MetricsRegistry();
  const exporter = await startLogExport(config, storage, secrets, { kind: 'kafka', kafka }, metrics);
  const app = await NestFactory.create(
    {
      module: LogExporterModule,
      imports: [
        HealthModule.forRoot(metrics, [
          { name: 'read_models', check: async () => void (await storage.readModels.query('SELECT 1')) },
          kafkaReadiness(config),
        ]),
      ],
    },
    new FastifyAdapter(),
    { logger: processLogger },
  );
  await app.listen(config.port, '0.0.0.0');
  logger.log(`delivering log streams from Kafka (${config.kafkaBrokers.join(',')}); health on port ${config.port}`);
  return {
    stopTimeoutMs: config.shutdownTimeoutSeconds * 1000,
    // Workers are aborted: a batch in flight is either delivered and committed, or left uncommitted and delivered
    // again on the next start (its consumer group's offset was not moved past it).
    stop: async () => {
      await app.close();
      await exporter.stop();
      await storage.close();
    },
  };
});
