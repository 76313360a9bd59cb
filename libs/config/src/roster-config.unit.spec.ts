import { ConfigError } from './env-reader';
import { readRosterConfig } from './roster-config';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('readRosterConfig', () => {
  it('defaults to all-in-one on the embedded store', () => {
    const config = readRosterConfig('all-in-one', {});
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      eventStore: 'pglite',
      kafkaBrokers: [],
    });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash from a given one', () => {
    expect(readRosterConfig('all-in-one', { PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(readRosterConfig('all-in-one', { PUBLIC_URL: 'https://id.example.com/' }).publicUrl).toBe(
      'https://id.example.com',
    );
  });

  it.each([
    [{ PORT: 'abc' }, /PORT=abc is not a whole number/],
    [{ PORT: '70000' }, /PORT=70000 is out of range/],
    [{ EVENT_STORE: 'mongo' }, /EVENT_STORE=mongo is not supported: use one of pglite, postgres, esdb/],
    [{ EVENT_STORE: 'postgres' }, /EVENT_STORE=postgres needs DATABASE_URL/],
    [{ EVENT_STORE: 'esdb' }, /EVENT_STORE=esdb needs EVENTSTORE_URL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres: or postgresql:/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL is not a URL/],
    [{ BOOTSTRAP_CLIENT_ID: 'abcdefghijklmnopqrstuvwxyz' }, /set both BOOTSTRAP_CLIENT_ID and BOOTSTRAP_CLIENT_SECRET/],
    [{ BOOTSTRAP_CLIENT_ID: 'short', BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(40) }, /BOOTSTRAP_CLIENT_ID must be 16 to 64/],
    [
      { BOOTSTRAP_CLIENT_ID: 'a'.repeat(20), BOOTSTRAP_CLIENT_SECRET: 'short' },
      /BOOTSTRAP_CLIENT_SECRET must be at least 32/,
    ],
    [{ SECRET_ROTATION_GRACE_SECONDS: '604801' }, /out of range/],
    [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT=xml is not supported: use one of text, json/],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '0' }, /SHUTDOWN_TIMEOUT_SECONDS=0 is out of range/],
  ])('rejects %p with one clear line', (env, message) => {
    expect(() => readRosterConfig('all-in-one', env)).toThrow(ConfigError);
    expect(() => readRosterConfig('all-in-one', env)).toThrow(message);
  });

  it('requires shared storage and SECRETS_KEY in split mode', () => {
    expect(() => readRosterConfig('registry', {})).toThrow(/split mode and cannot share the embedded store/);
    expect(() =>
      readRosterConfig('projector', { EVENT_STORE: 'esdb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }),
    ).toThrow(/keeps read models in PostgreSQL: set DATABASE_URL/);
    expect(() => readRosterConfig('registry', { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://x@h/db' })).toThrow(
      /SECRETS_KEY is required/,
    );
    const config = readRosterConfig('registry', {
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://x@h/db',
      SECRETS_KEY: KEY,
    });
    expect(config).toMatchObject({ mode: 'registry', eventStore: 'postgres', secretsKey: KEY });
  });

  it('logs text and allows 20 s to stop unless told otherwise', () => {
    expect(readRosterConfig('all-in-one', {})).toMatchObject({ logFormat: 'text', shutdownTimeoutSeconds: 20 });
    expect(readRosterConfig('all-in-one', { LOG_FORMAT: 'json', SHUTDOWN_TIMEOUT_SECONDS: '45' })).toMatchObject({
      logFormat: 'json',
      shutdownTimeoutSeconds: 45,
    });
  });

  it('splits KAFKA_BROKERS', () => {
    expect(readRosterConfig('all-in-one', { KAFKA_BROKERS: 'a:9092, b:9092,' }).kafkaBrokers).toEqual([
      'a:9092',
      'b:9092',
    ]);
  });
});
