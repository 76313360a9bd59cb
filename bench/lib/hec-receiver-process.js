'use strict';
// The strict Splunk HEC receiver of test/receivers in a process of its own, as a SIEM is: a benchmark's exporter then
// does not share its thread with the receiver's gunzip and per-envelope checks. Forked by `startHecReceiver`; it
// reports its URL once, then its counts every 10 ms over IPC.
const { fork } = require('node:child_process');
const { setInterval } = require('node:timers');

const REPORT_MS = 10;
const DOWN_FOR_GOOD_MS = 24 * 3600 * 1000;

/**
 * @returns {Promise<{ url: string, accepted: () => number, refused: () => number, requests: () => number,
 *   down: () => void, up: () => void, close: () => Promise<void> }>}
 */
const startHecReceiver = (tokens) =>
  new Promise((resolve, reject) => {
    const child = fork(require.resolve('./hec-receiver-process'), ['--receiver'], {
      env: { ...process.env, HEC_TOKENS: tokens.join(',') },
    });
    const counts = { accepted: 0, refused: 0, requests: 0 };
    const exited = new Promise((done) => child.once('exit', done));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the HEC receiver exited (code ${code}) before it started`)));
    child.on('message', (message) => {
      if (message.url) {
        resolve({
          url: message.url,
          accepted: () => counts.accepted,
          refused: () => counts.refused,
          requests: () => counts.requests,
          /** From now on every request is answered 503 (Splunk's "server is busy"), as by a SIEM that is down. */
          down: () => child.send({ down: true }),
          /** Back up: requests are served again. */
          up: () => child.send({ up: true }),
          close: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      } else Object.assign(counts, message);
    });
  });

const runReceiver = async () => {
  require('./ts-require');
  const { SplunkHecReceiver } = require('../../test/receivers');
  const hec = await SplunkHecReceiver.start({ tokens: process.env.HEC_TOKENS.split(','), retainEvents: false });
  process.on('message', (message) => {
    if (message.down) hec.failFor(DOWN_FOR_GOOD_MS);
    if (message.up) hec.clearFaults();
  });
  process.send({ url: hec.url });
  setInterval(() => {
    const refused = hec.violations.filter((v) => v.refused).length;
    process.send({ accepted: hec.acceptedCount, refused, requests: hec.requests.length });
  }, REPORT_MS);
  process.once('SIGTERM', () => hec.close().finally(() => process.exit(0)));
};

if (process.argv[2] === '--receiver') runReceiver();

module.exports = { startHecReceiver };
