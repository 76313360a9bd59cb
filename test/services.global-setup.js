// Fails the whole run at once when REQUIRE_SERVICES names a service whose address is not configured,
// instead of letting every suite discover it on its own.
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
};
