/* eslint-disable no-console -- a command-line example: the console is its output */
import { Kafka } from 'kafkajs';
import pg from 'pg';
import { ApplicationDirectory } from './subscriber';

// KAFKA_BROKERS=127.0.0.1:19092 DATABASE_URL=postgres://... node main.js
const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (!value) throw new Error(`set ${name}`);
  return value;
};

const main = async (): Promise<void> => {
  const kafka = new Kafka({ clientId: 'application-directory', brokers: env('KAFKA_BROKERS').split(',') });
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL') });
  const directory = new ApplicationDirectory(kafka, pool, {
    topic: env('TOPIC', 'roster.integration-events.v1'),
    groupId: env('GROUP_ID', 'application-directory'),
  });
  await directory.start();
  console.log('consuming; Ctrl-C to stop');
  const report = setInterval(() => console.log(directory.counts), 5000);
  process.once('SIGINT', () => {
    clearInterval(report);
    void directory
      .stop()
      .then(() => pool.end())
      .then(() => console.log(directory.counts));
  });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
