'use strict';
// Baseline for the DCR benchmark: node-oidc-provider 9 with open dynamic client registration (no initial access
// token) and its default in-memory adapter, so every client lives in a Map and nothing is durable.
//
// Required: `startOidcProviderDcrBaseline()` runs this same file as its own Node process (like Roster, so each server
// pays for its own event loop and neither shares one with autocannon) and resolves once it listens.
// Run alone: node bench/lib/oidc-provider-dcr.js [--port 4101]
// Prints `oidc-provider-dcr ready {"registration_endpoint":...}` on stdout once it listens.
const { createServer } = require('node:http');
const { freePort, spawnNode, waitForLine, stopProcess } = require('./processes');

const READY = /^oidc-provider-dcr ready (\{.*\})$/;

/** @returns {Promise<{ registrationEndpoint: string, stop: () => Promise<void> }>} */
const startOidcProviderDcrBaseline = async () => {
  const port = await freePort();
  const child = spawnNode('oidc-provider', [module.filename, '--port', String(port)], {
    env: { ...process.env, NODE_ENV: 'production' },
  });
  try {
    const info = JSON.parse((await waitForLine(child, READY))[1]);
    return { registrationEndpoint: info.registration_endpoint, stop: () => stopProcess(child) };
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
};

const serve = async (port) => {
  // oidc-provider is ESM-only; a dynamic import loads it from CommonJS.
  const { default: Provider } = await import('oidc-provider');
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: { enabled: true },
    },
  });
  const server = createServer(provider.callback());
  server.listen(port, '127.0.0.1', () => {
    const info = { registration_endpoint: `${issuer}/reg` };
    process.stdout.write(`oidc-provider-dcr ready ${JSON.stringify(info)}\n`);
  });
  const shutdown = () => server.close(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
};

if (require.main === module) {
  const i = process.argv.indexOf('--port');
  serve(Number(i > 0 ? process.argv[i + 1] : 4101)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { startOidcProviderDcrBaseline };
