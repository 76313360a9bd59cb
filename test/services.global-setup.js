// Fails the whole run at once when REQUIRE_SERVICES names a service whose address is not configured (or, for Kafka,
// whose brokers do not accept connections), instead of letting every suite discover it on its own.
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

module.exports = async () => {
  const env = { postgres: 'DATABASE_URL', kafka: 'KAFKA_BROKERS', eventstore: 'EVENTSTORE_URL' };
  const required = (process.env.REQUIRE_SERVICES || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const service of required) {
    if (!(service in env))
      throw new Error(`REQUIRE_SERVICES: unknown service "${service}" (known: ${Object.keys(env).join(', ')})`);
    if (!process.env[env[service]]) throw new Error(`REQUIRE_SERVICES names ${service} but ${env[service]} is not set`);
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
