'use strict';
// Projection lag: how long after a write is sent does a reader see it. A writer PATCHes applications at a steady
// 200 writes/s for 10 s (description = "lag <run> <seq>"); on separate connections, pollers GET every application that has
// an unseen write every 2 ms. The lag of a write is the time from sending its PATCH to receiving the first GET that
// shows it (or a later write to the same application). Target: p99 < 100 ms. stderr also gives the PATCH latency and
// how long writes stayed invisible after their PATCH was answered, which tells a slow write path from a slow projection.
//
// The pollers' GETs load the server too, so this is the lag under a read load, not on an idle process.
const { performance } = require('node:perf_hooks');
const { setInterval, clearInterval } = require('node:timers');
const { managementApi, createApplications } = require('./lib/roster');
const { storesToRun, withRoster } = require('./lib/stores');
const { request, newAgent } = require('./lib/http');
const { summarize } = require('./lib/stats');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, int, main } = require('./lib/options');

const TARGET_P99_MS = 100;
const POLL_EVERY_MS = 2;
const DRAIN_TIMEOUT_MS = 5000;

/** Writes at `rate`/s for `durationSec`, polls for each write, resolves with the lags (ms) and counters. */
const measureLag = (api, ids, { rate, durationSec, run }) =>
  new Promise((resolve) => {
    // The run name keeps a later run from mistaking an earlier run's higher sequence number for its own write.
    const mark = new RegExp(`^lag ${run} (\\d+)$`);
    const writerAgent = newAgent(64);
    const pollerAgent = newAgent(ids.length);
    const total = rate * durationSec;
    const apps = ids.map((id) => ({ id, pending: [], polling: false, writing: 0 }));
    const lags = [];
    // Seen minus answered: how long a write stayed invisible after its PATCH was answered (0 when seen first).
    const afterAnswer = [];
    const answeredAt = new Map();
    const writeLatencies = [];
    const c = { sent: 0, writeFailed: 0, pollFailed: 0, overlapping: 0, polls: 0, firstFailure: undefined };
    let done = false;
    const failure = (what) => {
      c.firstFailure = c.firstFailure ?? what;
    };

    const write = (seq) => {
      const app = apps[seq % apps.length];
      if (app.writing > 0) c.overlapping++;
      app.writing++;
      const sentAt = performance.now();
      app.pending.push({ seq, sentAt });
      request('PATCH', `${api.base}/clients/${app.id}`, {
        token: api.token,
        body: { description: `lag ${run} ${seq}` },
        agent: writerAgent,
      })
        .then((res) => {
          if (res.status === 200) {
            const now = performance.now();
            writeLatencies.push(now - sentAt);
            answeredAt.set(seq, now);
          } else {
            c.writeFailed++;
            failure(`PATCH ${res.status} ${res.text.slice(0, 200)}`);
            app.pending = app.pending.filter((p) => p.seq !== seq);
          }
        })
        .catch((err) => {
          c.writeFailed++;
          failure(`PATCH ${err.message}`);
          app.pending = app.pending.filter((p) => p.seq !== seq);
        })
        .finally(() => app.writing--);
    };

    const poll = (app) => {
      app.polling = true;
      c.polls++;
      request('GET', `${api.base}/clients/${app.id}`, { token: api.token, agent: pollerAgent })
        .then((res) => {
          const seenAt = performance.now();
          if (res.status !== 200) {
            c.pollFailed++;
            failure(`GET ${res.status} ${res.text.slice(0, 200)}`);
            return;
          }
          const m = mark.exec((res.json && res.json.description) || '');
          if (!m) return;
          const seen = Number(m[1]);
          app.pending = app.pending.filter((p) => {
            if (p.seq > seen) return true;
            lags.push(seenAt - p.sentAt);
            afterAnswer.push(Math.max(0, seenAt - (answeredAt.get(p.seq) ?? seenAt)));
            return false;
          });
        })
        .catch((err) => {
          c.pollFailed++;
          failure(`GET ${err.message}`);
        })
        .finally(() => (app.polling = false));
    };

    const started = performance.now();
    let drainStarted;
    const tick = () => {
      const now = performance.now();
      // Catch up on every write that is due, so timer jitter does not lower the rate.
      const due = Math.min(total, Math.floor(((now - started) / 1000) * rate));
      while (c.sent < due) write(c.sent++);
      for (const app of apps) if (app.pending.length > 0 && !app.polling) poll(app);
      const unseen = apps.reduce((n, a) => n + a.pending.length, 0);
      if (c.sent === total) drainStarted = drainStarted ?? now;
      if (!done && c.sent === total && (unseen === 0 || now - drainStarted > DRAIN_TIMEOUT_MS)) {
        done = true;
        clearInterval(timer);
        const writing = apps.reduce((n, a) => n + a.writing, 0);
        writerAgent.destroy();
        pollerAgent.destroy();
        resolve({ lags, afterAnswer, writeLatencies, unseen, writing, seconds: (drainStarted - started) / 1000, ...c });
      }
    };
    const timer = setInterval(tick, POLL_EVERY_MS);
  });

main(async () => {
  const { durationSec, warmupSec } = benchOptions();
  const rate = int('BENCH_WRITE_RATE', 200);
  const appCount = int('BENCH_APPS', 20);
  for (const store of storesToRun()) {
    const r = await withRoster(store, async (roster) => {
      const mgmt = await managementApi(roster);
      const api = { token: mgmt.token, base: roster.apiBase };
      log(`${store.label}: registering ${appCount} applications`);
      const ids = await createApplications(mgmt, appCount);
      log(`${store.label}: warming up ${warmupSec} s`);
      await measureLag(api, ids, { rate, durationSec: warmupSec, run: 'warmup' });
      log(`${store.label}: ${rate} writes/s for ${durationSec} s over ${appCount} applications`);
      return measureLag(api, ids, { rate, durationSec, run: 'measured' });
    });
    const lag = summarize(r.lags);
    const writes = summarize(r.writeLatencies);
    const hidden = summarize(r.afterAnswer);
    log(
      `${store.label}: ${r.sent} writes sent in ${r.seconds.toFixed(1)} s, ${r.writeFailed} failed, ${r.unseen} never seen, ` +
        `${r.overlapping} sent while the same application had a write in flight, ${r.polls} polls (${r.pollFailed} failed); ` +
        `PATCH p50 ${writes.p50.toFixed(1)} ms p99 ${writes.p99.toFixed(1)} ms; ` +
        `invisible after the PATCH was answered p50 ${hidden.p50.toFixed(1)} ms p99 ${hidden.p99.toFixed(1)} ms` +
        (r.firstFailure ? `; first failure: ${r.firstFailure}` : ''),
    );
    figure(
      'projection lag ms',
      { store: store.label, writes_per_s: r.sent / r.seconds, p50: lag.p50, p99: lag.p99, max: lag.max },
      {
        text: `p99 < ${TARGET_P99_MS} ms at ${rate} writes/s, every write seen`,
        met: lag.p99 < TARGET_P99_MS && r.unseen === 0 && r.writeFailed === 0,
      },
    );
  }
  finish();
});
