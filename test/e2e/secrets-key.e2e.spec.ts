import { randomBytes } from 'crypto';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import { ConfigError } from '@roster/config';
import { startRoster } from '../support/roster-instance';

/**
 * Everything secret is keyed or sealed with SECRETS_KEY. A restart with another key must not come up looking healthy
 * while every token request and every signature fails: it refuses to start with one line saying why.
 */
describe('SECRETS_KEY of an existing deployment', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'roster-secrets-key-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts again with its own key, and refuses another key with a configuration error', async () => {
    const key = randomBytes(32).toString('base64');
    await (await startRoster({ DATA_DIR: dataDir, SECRETS_KEY: key })).stop();
    await (await startRoster({ DATA_DIR: dataDir, SECRETS_KEY: key })).stop();
    const other = randomBytes(32).toString('base64');
    const refusal = await startRoster({ DATA_DIR: dataDir, SECRETS_KEY: other }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as Error).message).toMatch(/^SECRETS_KEY does not open the keys stored with this data/);
    // The refused start closed what it opened: the right key still starts.
    await (await startRoster({ DATA_DIR: dataDir, SECRETS_KEY: key })).stop();
  });
});
