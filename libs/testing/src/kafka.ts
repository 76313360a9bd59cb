/**
 * Kafka in tests: the brokers of KAFKA_BROKERS, names that never collide between suites and runs, a quiet kafkajs
 * client, and a restart of the local broker that scripts/kafka/broker.sh runs (for tests of broker outages).
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync } from 'fs';
import { dirname, join } from 'path';
import { promisify } from 'util';
import { Kafka, logLevel } from 'kafkajs';
import { RosterError } from '@roster/errors';
import { serviceUrl } from './services';

// The env is passed on explicitly: under jest, process.env is the test's copy, not what child_process would use.
const run = promisify(execFile);

/** The brokers of KAFKA_BROKERS (comma-separated host:port); throws when it is not set. */
export const kafkaBrokers = (): string[] => {
  const brokers = (serviceUrl('kafka') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  return brokers;
};

const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

/** A topic name no other suite or run uses: topics outlive the test on a shared broker. */
export const uniqueTopic = (prefix = 'roster-test'): string => uniqueName(prefix);

/** A consumer group id no other suite or run uses. */
export const uniqueGroupId = (prefix = 'roster-test-group'): string => uniqueName(prefix);

/** A kafkajs client for KAFKA_BROKERS that logs errors only (its retries are expected noise in tests). */
export const testKafka = (clientId = 'roster-test'): Kafka =>
  new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.ERROR });

/** scripts/kafka/broker.sh, found by walking up from this file. */
const brokerScript = (): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'scripts', 'kafka', 'broker.sh');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`scripts/kafka/broker.sh not found above ${__dirname}`);
  }
};

/** What the script said on stderr before failing (its messages start with "kafka: "). */
const stderrOf = (error: unknown): string =>
  ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n').slice(-40).join('\n');

const sameAddress = (a: string, b: string): boolean => {
  const loopback = (address: string) => address.replace(/^localhost:/, '127.0.0.1:');
  return loopback(a) === loopback(b);
};

/**
 * Restarts the broker that scripts/kafka/broker.sh runs (SIGTERM, then a new start on the same data: topics and
 * committed offsets survive) and resolves once it answers again. Takes several seconds.
 *
 * Only for that broker: KAFKA_BROKERS must be exactly its address, and KAFKA_DATA_DIR (if set) must be the one it was
 * started with. Otherwise it throws instead of restarting some other broker or silently doing nothing.
 */
export const restartKafkaBroker = async (): Promise<void> => {
  const brokers = kafkaBrokers();
  const script = brokerScript();
  let managed: string | undefined;
  try {
    const { stdout } = await run(script, ['status'], { env: process.env });
    managed = /^KAFKA_BROKERS=(.+)$/m.exec(stdout)?.[1]?.trim();
  } catch (cause) {
    // Exit status 3: no broker of this data dir runs; 1: e.g. KAFKA_PORT does not match the data dir. Stderr says which.
    throw new RosterError(
      'unavailable',
      'kafka_broker_not_managed',
      `restartKafkaBroker: no broker started by ${script} is running (${stderrOf(cause)}); ` +
        `start it with "${script} start"`,
      { cause, retriable: false },
    );
  }
  if (!managed || brokers.length !== 1 || !sameAddress(brokers[0], managed)) {
    throw new RosterError(
      'unavailable',
      'kafka_broker_not_managed',
      `restartKafkaBroker: KAFKA_BROKERS=${brokers.join(',')} is not the broker ${script} runs (${managed}); ` +
        'only that broker can be restarted by a test',
      { retriable: false },
    );
  }
  try {
    await run(script, ['restart'], { env: process.env, timeout: 180_000 });
  } catch (cause) {
    throw new RosterError('unavailable', 'kafka_broker_restart_failed', `restartKafkaBroker: ${stderrOf(cause)}`, {
      cause,
      retriable: false,
    });
  }
};
