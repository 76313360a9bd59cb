'use strict';
// Reported log events for the log benchmarks: Auth0-sized login events (about 600 bytes stored), sent through
// `POST /api/v2/logs` in batches, each with its own idempotency id as a login service would send them.
const { request } = require('./http');

const TYPES = ['s', 's', 's', 'f', 'fp', 'fu', 'slo', 'ss', 'scp', 'fcpr'];

/** Item `n` of run `tag`: users, IPs and types spread so that searches have selective and broad terms. */
const loginEvent = (tag, n, date = new Date().toISOString()) => ({
  id: `${tag}-${n}`,
  type: TYPES[n % TYPES.length],
  date,
  description: n % 10 === 0 ? 'Wrong email or password.' : 'Successful login',
  connection: n % 3 === 0 ? 'google-oauth2' : 'Username-Password-Authentication',
  user_id: `auth0|user${n % 20000}`,
  user_name: `user${n % 20000}@example.com`,
  ip: `198.51.${(n >> 8) % 256}.${n % 256}`,
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  hostname: 'login.example.com',
  strategy: 'auth0',
  strategy_type: 'database',
  details: {
    prompts: [{ name: 'login', flow: 'universal-login', elapsedTime: 120 + (n % 50) }],
    stats: { loginsCount: n % 90 },
  },
});

/**
 * Sends `total` events (or until `until` ms since the epoch) in batches of `batchSize` on `parallel` concurrent
 * requests; returns how many were stored and how long it took.
 */
const ingest = async ({ apiBase, token, tag, total = Infinity, until = Infinity, batchSize = 1000, parallel = 4 }) => {
  let next = 0;
  let stored = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < total && Date.now() < until) {
      const first = next;
      next += batchSize;
      const items = [];
      for (let n = first; n < Math.min(first + batchSize, total); n++) items.push(loginEvent(tag, n));
      const response = await request('POST', `${apiBase}/logs`, { token, body: items });
      if (response.status !== 200)
        throw new Error(`POST logs: ${response.status} ${String(response.text).slice(0, 300)}`);
      stored += response.json.stored.length;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { stored, seconds: (Date.now() - started) / 1000 };
};

module.exports = { loginEvent, ingest };
