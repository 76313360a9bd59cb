'use strict';
// Starts the Roster all-in-one build exactly as documented in /work/shared/design.md §3: a fresh DATA_DIR per run,
// known bootstrap credentials, a management rate limit high enough not to be what is measured.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { URLSearchParams } = require('node:url');
const { freePort, spawnNode, waitForHttp200, stopProcess } = require('./processes');
const { requestOk } = require('./http');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
// ROSTER_MAIN points the benchmarks at another build of the all-in-one entry point.
const MAIN = path.resolve(
  process.env.ROSTER_MAIN || path.join(REPO_ROOT, 'dist', 'apps', 'all-in-one', 'src', 'main.js'),
);

/**
 * @param {{ eventStore?: 'pglite'|'postgres', databaseUrl?: string, env?: Record<string,string>, main?: string }} [opts]
 *        `main`: another build's all-in-one entry point (an earlier commit, see ./reference-build.js)
 * @returns {Promise<{ publicUrl: string, tenantBase: string, tokenEndpoint: string, managementAudience: string,
 *   apiBase: string, clientId: string, clientSecret: string, dataDir: string, child: object, stop: () => Promise<void> }>}
 */
const startRoster = async ({ eventStore = 'pglite', databaseUrl, env = {}, main = MAIN } = {}) => {
  if (!fs.existsSync(main)) {
    throw new Error(`${path.relative(REPO_ROOT, main)} is missing: run \`npm run build\` first`);
  }
  if (eventStore === 'postgres' && !databaseUrl) throw new Error('EVENT_STORE=postgres needs a database URL');
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-bench-'));
  const clientId = `bench_admin_${crypto.randomBytes(8).toString('hex')}`;
  const clientSecret = crypto.randomBytes(48).toString('base64url');
  const childEnv = { ...process.env };
  // Nothing from the caller's shell may switch on Kafka or a remote store behind the benchmark's back.
  for (const k of ['DATABASE_URL', 'EVENTSTORE_URL', 'KAFKA_BROKERS', 'SECRETS_KEY']) delete childEnv[k];
  Object.assign(childEnv, {
    NODE_ENV: 'production',
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    EVENT_STORE: eventStore,
    MANAGEMENT_RATE_LIMIT: '1000000',
    BOOTSTRAP_CLIENT_ID: clientId,
    BOOTSTRAP_CLIENT_SECRET: clientSecret,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const child = spawnNode('roster', [main], { env: childEnv, cwd: REPO_ROOT });
  const stop = async () => {
    await stopProcess(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp200(child, `${publicUrl}/health/ready`, 120000);
  } catch (err) {
    await stop();
    throw err;
  }
  const tenantBase = `${publicUrl}/tenants/default`;
  return {
    publicUrl,
    tenantBase,
    tokenEndpoint: `${tenantBase}/oauth/token`,
    managementAudience: `${tenantBase}/api/v2/`,
    apiBase: `${tenantBase}/api/v2`,
    clientId,
    clientSecret,
    dataDir,
    databaseUrl,
    child,
    stop,
  };
};

/** Body of a client_credentials request with client_secret_post, as autocannon and requestToken send it. */
const tokenForm = ({ clientId, clientSecret, audience, resource, scope }) => {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  if (audience) form.set('audience', audience);
  if (resource) form.set('resource', resource);
  if (scope) form.set('scope', scope);
  return form;
};

/** POSTs a client_credentials request and returns the access token. */
const requestToken = async (tokenEndpoint, params) => {
  const json = await requestOk('POST', tokenEndpoint, { body: tokenForm(params) }, [200]);
  if (!json || typeof json.access_token !== 'string') throw new Error(`${tokenEndpoint} returned no access_token`);
  return json.access_token;
};

/** Management API token of the bootstrap admin and a small caller bound to it. */
const managementApi = async (roster) => {
  const token = await requestToken(roster.tokenEndpoint, {
    clientId: roster.clientId,
    clientSecret: roster.clientSecret,
    audience: roster.managementAudience,
  });
  const call = (method, pathAndQuery, body, expect) =>
    requestOk(method, `${roster.apiBase}${pathAndQuery}`, { token, body }, expect);
  return { token, call };
};

/** Creates `count` non_interactive applications, a few at a time; returns their client_ids. */
const createApplications = async (api, count, namePrefix = 'bench-app', parallel = 8) => {
  const ids = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const app = await api.call(
        'POST',
        '/clients',
        { name: `${namePrefix}-${i}`, app_type: 'non_interactive' },
        [201],
      );
      ids[i] = app.client_id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return ids;
};

module.exports = { startRoster, managementApi, requestToken, tokenForm, createApplications, REPO_ROOT };
