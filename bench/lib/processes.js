'use strict';
// Child processes under test: spawn with a tail of their output (shown when they fail), wait until ready, stop them
// with SIGTERM and then SIGKILL. Only processes these helpers started are ever signalled.
const { spawn } = require('node:child_process');
const net = require('node:net');
const { setTimeout, clearTimeout } = require('node:timers');
const { setTimeout: sleep } = require('node:timers/promises');
const { request } = require('./http');

/** A TCP port that was free a moment ago on 127.0.0.1. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const TAIL_LINES = 40;

/** Spawns `node <args>`; `child.tail()` returns its last output lines, `child.exited` resolves on exit. */
const spawnNode = (name, args, { env, cwd, echo = process.env.BENCH_VERBOSE === '1' } = {}) => {
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const listeners = new Set();
  const onData = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (echo) process.stderr.write(`[${name}] ${line}\n`);
      for (const l of listeners) l(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.name = name;
  child.tail = () => lines.join('\n');
  child.onLine = (fn) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  };
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
};

const exitedError = (child, what, { code, signal }) =>
  new Error(`${child.name} exited (code ${code}, signal ${signal}) before ${what}; last output:\n${child.tail()}`);

/** Resolves with the first output line matching `re`; fails if the child exits or the timeout passes. */
const waitForLine = (child, re, timeoutMs = 30000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(`${child.name} printed nothing matching ${re} within ${timeoutMs} ms; last output:\n${child.tail()}`),
      );
    }, timeoutMs);
    const off = child.onLine((line) => {
      const m = re.exec(line);
      if (!m) return;
      clearTimeout(timer);
      off();
      resolve(m);
    });
    child.exited.then((how) => {
      clearTimeout(timer);
      off();
      reject(exitedError(child, `printing ${re}`, how));
    });
  });

/** Polls `url` until it answers 200; fails early if the child exits. */
const waitForHttp200 = async (child, url, timeoutMs = 60000) => {
  let exited;
  child.exited.then((how) => (exited = how));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw exitedError(child, `${url} answered 200`, exited);
    try {
      const res = await request('GET', url, { timeoutMs: 2000 });
      if (res.status === 200) return;
      last = `${res.status} ${res.text.slice(0, 200)}`;
    } catch (err) {
      last = err.message;
    }
    await sleep(100);
  }
  throw new Error(`${url} not 200 within ${timeoutMs} ms (last: ${last}); ${child.name} output:\n${child.tail()}`);
};

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
const stopProcess = async (child, graceMs = 10000) => {
  if (child.exitCode !== null || child.signalCode !== null) return child.exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  const how = await child.exited;
  clearTimeout(timer);
  return how;
};

/** Runs `fn` and always stops the started children afterwards, also on Ctrl-C. */
const withCleanup = async (fn) => {
  const cleanups = [];
  const onSignal = async () => {
    for (const c of [...cleanups].reverse()) await c().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    return await fn((cleanup) => cleanups.push(cleanup));
  } finally {
    process.removeListener('SIGINT', onSignal);
    for (const c of [...cleanups].reverse())
      await c().catch((err) => console.error(`[bench] cleanup failed: ${err.message}`));
  }
};

module.exports = { freePort, spawnNode, waitForLine, waitForHttp200, stopProcess, withCleanup };
