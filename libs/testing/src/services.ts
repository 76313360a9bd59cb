/**
 * Which outside services a test run may use. A suite that needs one that is not configured skips and says so
 * loudly, unless REQUIRE_SERVICES names it: then the suite fails instead of skipping.
 */
import { Client } from 'pg';
import { randomBytes } from 'crypto';

export type ServiceName = 'postgres' | 'kafka' | 'eventstore';

const ENV_OF: Record<ServiceName, string> = {
  postgres: 'DATABASE_URL',
  kafka: 'KAFKA_BROKERS',
  eventstore: 'EVENTSTORE_URL',
};

export const requiredServices = (): Set<string> =>
  new Set(
    (process.env.REQUIRE_SERVICES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const serviceUrl = (service: ServiceName): string | undefined => process.env[ENV_OF[service]] || undefined;

/** `describe` when the service is configured; a loud skip otherwise; a failure when it is required. */
export const describeWithService = (service: ServiceName, name: string, body: () => void): void => {
  if (serviceUrl(service)) {
    describe(name, body);
    return;
  }
  if (requiredServices().has(service)) {
    describe(name, () => {
      it(`needs ${service}`, () => {
        throw new Error(`REQUIRE_SERVICES names ${service} but ${ENV_OF[service]} is not set`);
      });
    });
    return;
  }
  // Straight to stderr: in a full run jest drops the console output of a suite whose tests all skip.
  process.stderr.write(
    `\n*** SKIPPED "${name}": ${ENV_OF[service]} is not set (set it, or REQUIRE_SERVICES=${service} to fail) ***\n`,
  );
  describe.skip(name, body);
};

/**
 * A new, empty PostgreSQL database on the server of DATABASE_URL, so suites never see each other's rows.
 * Returns its URL and a function that drops it.
 */
export const createScratchDatabase = async (
  prefix = 'roster_test',
): Promise<{ url: string; drop: () => Promise<void> }> => {
  const base = serviceUrl('postgres');
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
};
