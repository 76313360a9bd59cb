'use strict';
// Starts bench/baselines/oidc-provider-cc.mjs as its own process (like Roster, so both pay for their own event loop).
const path = require('node:path');
const { freePort, spawnNode, waitForLine, stopProcess } = require('./processes');

/** @returns {Promise<{ tokenEndpoint: string, clientId: string, clientSecret: string, audience: string, stop: () => Promise<void> }>} */
const startOidcProviderBaseline = async () => {
  const port = await freePort();
  const script = path.join(__dirname, '..', 'baselines', 'oidc-provider-cc.mjs');
  const child = spawnNode('oidc-provider', [script, '--port', String(port)], {
    env: { ...process.env, NODE_ENV: 'production' },
  });
  try {
    const m = await waitForLine(child, /^oidc-provider-cc ready (\{.*\})$/);
    const info = JSON.parse(m[1]);
    return {
      tokenEndpoint: info.token_endpoint,
      clientId: info.client_id,
      clientSecret: info.client_secret,
      audience: info.audience,
      stop: async () => {
        await stopProcess(child);
      },
    };
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
};

module.exports = { startOidcProviderBaseline };
