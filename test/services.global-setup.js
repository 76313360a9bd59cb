// Fails the whole run at once when REQUIRE_SERVICES names a service whose address is not configured (or, for Kafka,
// whose brokers do not accept connections; for EventStoreDB, when neither EVENTSTORE_URL is set nor a Docker engine
// answers), instead of letting every suite discover it on its own.
const { execFile } = require('child_process');
const net = require('net');

/** Resolves when host:port accepts a TCP connection within timeoutMs, rejects otherwise. */
const reachable = (address, timeoutMs = 3000) =>
  new Promise((resolve, reject) => {
    const separator = address.lastIndexOf(':');
    const socket = net.connect({ host: address.slice(0, separator), port: Number(address.slice(separator + 1)) });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });

/** Resolves when testcontainers finds a Docker engine that answers; rejects with its reason otherwise. */
const dockerAnswers = () =>
  new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // the test run's, not the probe's
    const probe =
      "require('testcontainers').getContainerRuntimeClient().then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })";
    execFile(process.execPath, ['-e', probe], { cwd: __dirname, env, timeout: 20_000 }, (error, _stdout, stderr) =>
      error ? reject(stderr.trim() || error.message) : resolve(),
    );
  });

module.exports = async () => {
  const env = { postgres: 'DATABASE_URL', kafka: 'KAFKA_BROKERS', eventstore: 'EVENTSTORE_URL' };
  const required = (process.env.REQUIRE_SERVICES || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const service of required) {
    if (!(service in env))
      throw new Error(`REQUIRE_SERVICES: unknown service "${service}" (known: ${Object.keys(env).join(', ')})`);
    // Without EVENTSTORE_URL, the EventStoreDB suites start a KurrentDB container of their own.
    if (service === 'eventstore' && !process.env.EVENTSTORE_URL) continue;
    if (!process.env[env[service]]) throw new Error(`REQUIRE_SERVICES names ${service} but ${env[service]} is not set`);
  }
  if (required.includes('eventstore') && !process.env.EVENTSTORE_URL) {
    // The engine testcontainers will use, found and asked the way it will be (a socket file alone proves little); in a
    // child process, so that no connection of its client keeps this one alive.
    await dockerAnswers().catch((problem) => {
      throw new Error(
        `REQUIRE_SERVICES names eventstore but EVENTSTORE_URL is not set and no Docker engine answers (${problem}). ` +
          'Set EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false) or start Docker',
      );
    });
  }
  // A stopped broker would otherwise fail each Kafka suite only after kafkajs has retried for a while.
  if (required.includes('kafka')) {
    for (const broker of process.env.KAFKA_BROKERS.split(',').map((b) => b.trim())) {
      await reachable(broker).catch((e) => {
        throw new Error(
          `REQUIRE_SERVICES names kafka but ${broker} (KAFKA_BROKERS) does not answer: ${e.message}. ` +
            'Start a local broker with scripts/kafka/broker.sh start',
        );
      });
    }
  }
};
