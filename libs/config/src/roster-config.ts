import * as path from 'path';
import { ConfigError, Env, readEnum, readInt, readString, readUrl, requireString } from './env-reader';

export type EventStoreKind = 'pglite' | 'postgres' | 'esdb';
export type RunMode = 'all-in-one' | 'registry' | 'projector' | 'log-exporter';
export type LogFormat = 'text' | 'json';

/** Everything the Roster processes read from the environment. Only this module reads `process.env`. */
export interface RosterConfig {
  mode: RunMode;
  /** HTTP port of the all-in-one process or the registry (projector/exporter serve health on it too). */
  port: number;
  /** External base URL without a trailing slash; issuers and links derive from it. */
  publicUrl: string;
  dataDir: string;
  eventStore: EventStoreKind;
  databaseUrl?: string;
  eventStoreUrl?: string;
  kafkaBrokers: string[];
  /** Kafka topic of log events (one per deployment when several share a broker). */
  kafkaLogTopic: string;
  /** Kafka topic of integration events (CloudEvents) for event subscribers. */
  kafkaIntegrationTopic: string;
  /** Longest pause between two delivery attempts of a failing log stream (exponential backoff with jitter). */
  logStreamMaxRetryDelaySeconds: number;
  /** A log stream failing continuously this long is suspended (Auth0: 7 days). */
  logStreamSuspendAfterSeconds: number;
  /** base64 of 32 bytes; undefined in all-in-one mode means "generate into DATA_DIR". */
  secretsKey?: string;
  bootstrapClientId?: string;
  bootstrapClientSecret?: string;
  /** Lifetime of access tokens issued for APIs that do not set their own (seconds). */
  defaultTokenLifetimeSeconds: number;
  /** Default grace period of the previous secret after a rotation (seconds, 0 = revoke at once like Auth0). */
  secretRotationGraceSeconds: number;
  /** Largest accepted request body (bytes). */
  bodyLimitBytes: number;
  /** Management API rate limit per tenant: requests per second, with a burst of the same size. */
  managementRateLimitPerSecond: number;
  /** `text` for a terminal (the default), `json` (one object per line) for a log collector. */
  logFormat: LogFormat;
  /** How long a SIGTERM may take to drain requests and batches before the process exits 1 anyway. */
  shutdownTimeoutSeconds: number;
  /** Open Dynamic Client Registration per tenant: registrations per second, burst the same (Auth0: 5). */
  registrationRateLimitPerSecond: number;
  /** Open Dynamic Client Registration per source address: registrations per minute, burst a sixth of it. */
  registrationIpRateLimitPerMinute: number;
  /** Dynamically registered applications a tenant may hold at once. */
  registrationMaxClients: number;
}

const MAX_GRACE_SECONDS = 7 * 24 * 3600;

export const readRosterConfig = (mode: RunMode, env: Env = process.env): RosterConfig => {
  const port = readInt(env, 'PORT', 3000, 0, 65535);
  const publicUrl = (readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const eventStore = readEnum<EventStoreKind>(env, 'EVENT_STORE', ['pglite', 'postgres', 'esdb'], 'pglite');
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const eventStoreUrl = readUrl(env, 'EVENTSTORE_URL', ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kdb:']);
  const secretsKey = readString(env, 'SECRETS_KEY');
  const kafkaBrokers = (readString(env, 'KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);

  if (eventStore === 'postgres' && !databaseUrl) {
    throw new ConfigError('EVENT_STORE=postgres needs DATABASE_URL, e.g. postgres://user@127.0.0.1:5432/roster');
  }
  if (eventStore === 'esdb' && !eventStoreUrl) {
    throw new ConfigError('EVENT_STORE=esdb needs EVENTSTORE_URL, e.g. esdb://localhost:2113?tls=false');
  }
  if (mode !== 'all-in-one') {
    if (eventStore === 'pglite') {
      throw new ConfigError(
        `the ${mode} service runs in split mode and cannot share the embedded store: set EVENT_STORE=postgres (or esdb) and DATABASE_URL, or use npm start for all-in-one`,
      );
    }
    if (!databaseUrl) throw new ConfigError(`the ${mode} service keeps read models in PostgreSQL: set DATABASE_URL`);
    requireString(env, 'SECRETS_KEY', 'split mode needs a shared key; generate one with: openssl rand -base64 32');
  }
  if (mode === 'log-exporter' && kafkaBrokers.length === 0) {
    throw new ConfigError('the log-exporter reads log events from Kafka: set KAFKA_BROKERS, e.g. 127.0.0.1:19092');
  }
  const bootstrapClientId = readString(env, 'BOOTSTRAP_CLIENT_ID');
  const bootstrapClientSecret = readString(env, 'BOOTSTRAP_CLIENT_SECRET');
  if ((bootstrapClientId === undefined) !== (bootstrapClientSecret === undefined)) {
    throw new ConfigError(
      'set both BOOTSTRAP_CLIENT_ID and BOOTSTRAP_CLIENT_SECRET, or neither to have them generated',
    );
  }
  if (bootstrapClientId !== undefined && !/^[A-Za-z0-9_-]{16,64}$/.test(bootstrapClientId)) {
    throw new ConfigError('BOOTSTRAP_CLIENT_ID must be 16 to 64 characters of A-Z, a-z, 0-9, _ or -');
  }
  if (bootstrapClientSecret !== undefined && bootstrapClientSecret.length < 32) {
    throw new ConfigError(
      'BOOTSTRAP_CLIENT_SECRET must be at least 32 characters (generate one with: openssl rand -base64 48)',
    );
  }

  return {
    mode,
    port,
    publicUrl,
    dataDir: path.resolve(readString(env, 'DATA_DIR') ?? './data'),
    eventStore,
    databaseUrl,
    eventStoreUrl,
    kafkaBrokers,
    secretsKey,
    bootstrapClientId,
    bootstrapClientSecret,
    defaultTokenLifetimeSeconds: readInt(env, 'TOKEN_LIFETIME_SECONDS', 86400, 60, 2592000),
    secretRotationGraceSeconds: readInt(env, 'SECRET_ROTATION_GRACE_SECONDS', 0, 0, MAX_GRACE_SECONDS),
    bodyLimitBytes: readInt(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 16 * 1024 * 1024),
    managementRateLimitPerSecond: readInt(env, 'MANAGEMENT_RATE_LIMIT', 1000, 1, 1000000),
    registrationRateLimitPerSecond: readInt(env, 'DCR_RATE_LIMIT', 5, 1, 1000000),
    registrationIpRateLimitPerMinute: readInt(env, 'DCR_IP_RATE_LIMIT', 60, 1, 100000000),
    registrationMaxClients: readInt(env, 'DCR_MAX_CLIENTS', 1000, 1, 10000000),
    kafkaLogTopic: readKafkaTopic(env, 'KAFKA_LOG_TOPIC', 'roster.log-events.v1'),
    kafkaIntegrationTopic: readKafkaTopic(env, 'KAFKA_INTEGRATION_TOPIC', 'roster.integration-events.v1'),
    logStreamMaxRetryDelaySeconds: readInt(env, 'LOG_STREAM_MAX_RETRY_DELAY_SECONDS', 60, 1, 3600),
    // Auth0 pauses a stream unreachable for 7 consecutive days.
    logStreamSuspendAfterSeconds: readInt(env, 'LOG_STREAM_SUSPEND_AFTER_SECONDS', 7 * 86400, 60, 365 * 86400),
    logFormat: readEnum<LogFormat>(env, 'LOG_FORMAT', ['text', 'json'], 'text'),
    // Below the 30 s a container runtime usually waits before SIGKILL, so the process reports its own overrun.
    shutdownTimeoutSeconds: readInt(env, 'SHUTDOWN_TIMEOUT_SECONDS', 20, 1, 3600),
  };
};

/** Kafka topic names: letters, digits, `.`, `_`, `-`, at most 249 characters. */
const readKafkaTopic = (env: Env, name: string, fallback: string): string => {
  const topic = readString(env, name) ?? fallback;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) {
    throw new ConfigError(`${name} must be a Kafka topic name (letters, digits, ".", "_", "-"), got "${topic}"`);
  }
  return topic;
};

export const tenantBaseUrl = (config: Pick<RosterConfig, 'publicUrl'>, tenant: string): string =>
  `${config.publicUrl}/tenants/${tenant}`;
