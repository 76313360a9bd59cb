import { promises as fs } from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { RosterError } from '@roster/errors';
import { DataDirLock } from './data-dir-lock';
import {
  PgliteReply,
  PgliteRequest,
  PgliteThreadOptions,
  WasmModule,
  deserializeError,
} from './pglite-thread.protocol';
import { SqlDatabase, SqlQueryable } from './sql-database';

const threadExited = (code: number): Error => new Error(`The embedded database thread exited (code ${code})`);

/** A request as sent, without the id that `call` gives it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<PgliteRequest>;

interface Pending {
  resolve: (rows: unknown[]) => void;
  reject: (error: Error) => void;
}

/**
 * Embedded PostgreSQL (PGlite, WASM), run in a worker thread of this process (`pglite-thread.worker.ts`): its
 * statements and file writes take CPU time that the main thread then spends on HTTP. It has one connection:
 * PGlite runs one transaction at a time, so transactions here are serial by construction.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly kind = 'pglite' as const;

  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private nextId = 1;
  /** Set when the worker is gone: every later call fails with it. */
  private failure?: Error;

  private constructor(
    private readonly worker: Worker,
    private readonly lock?: DataDirLock,
  ) {
    worker.on('message', (reply: PgliteReply) => this.receive(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(threadExited(code)));
    worker.unref();
  }

  /**
   * `dataDir` undefined means in memory (tests); otherwise a folder that persists across restarts, which one process
   * at a time may open (`<dataDir>.lock`; a second one fails with `data_dir_in_use`).
   */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const lock = dataDir ? await DataDirLock.acquire(`${path.resolve(dataDir)}.lock`) : undefined;
    let worker: Worker | undefined;
    try {
      worker = startWorker({ dataDir, ...(await compiledWasm()) });
      const starting = worker;
      await new Promise<void>((resolve, reject) => {
        starting.once('message', (ready: PgliteReply) =>
          'error' in ready ? reject(deserializeError(ready.error)) : resolve(),
        );
        starting.once('error', reject);
        starting.once('exit', (code) => reject(threadExited(code)));
      });
      return new PgliteDatabase(worker, lock);
    } catch (error) {
      await worker?.terminate();
      await lock?.release();
      throw error;
    }
  }

  /** After any transaction in progress, one statement at a time, then synced to the files. */
  async query<Row>(text: string, params: readonly unknown[] = []): Promise<{ rows: Row[] }> {
    return { rows: (await this.call({ op: 'query', text, params })) as Row[] };
  }

  /**
   * Commits when `work` resolves, rolls back when it throws; its statements run as prepared ones. The first statement
   * goes out without waiting for BEGIN's answer (the thread runs it after BEGIN): one round trip less per transaction.
   */
  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const { id: tx, reply: begun } = this.send({ op: 'begin' });
    // A BEGIN that failed fails the work's first statement too, and is awaited below.
    begun.catch(() => undefined);
    let result: T;
    try {
      result = await work({
        query: async <Row>(text: string, params: readonly unknown[] = []) => ({
          rows: (await this.call({ op: 'txQuery', tx, text, params })) as Row[],
        }),
      });
      await begun;
    } catch (error) {
      // The work's error is the one to report; a failed ROLLBACK commits nothing either.
      await this.call({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.call({ op: 'end', tx, commit: true });
    return result;
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let handlers = this.listeners.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.listeners.set(channel, handlers);
      await this.call({ op: 'listen', channel });
    }
    handlers.add(onNotify);
    return async () => {
      handlers.delete(onNotify);
      if (handlers.size > 0 || this.listeners.get(channel) !== handlers) return;
      this.listeners.delete(channel);
      if (!this.failure) await this.call({ op: 'unlisten', channel });
    };
  }

  async close(): Promise<void> {
    try {
      if (!this.failure) {
        await this.call({ op: 'close' });
        this.failure = new RosterError('unavailable', 'database_closed', 'The embedded database is closed');
        await this.worker.terminate();
      }
    } finally {
      await this.lock?.release();
    }
  }

  private call(request: Request): Promise<unknown[]> {
    return this.send(request).reply;
  }

  private send(request: Request): { id: number; reply: Promise<unknown[]> } {
    const id = this.nextId++;
    if (this.failure) return { id, reply: Promise.reject(this.failure) };
    const reply = new Promise<unknown[]>((resolve, reject) => {
      // The worker is referenced only while it owes an answer, as a socket would be: an idle database does not keep
      // the process alive.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
    return { id, reply };
  }

  private receive(reply: PgliteReply): void {
    if ('notify' in reply) {
      for (const handler of this.listeners.get(reply.notify) ?? []) handler(reply.payload);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('error' in reply) pending.reject(deserializeError(reply.error));
    else pending.resolve(reply.rows ?? []);
  }

  private fail(cause: Error): void {
    this.failure ??= new RosterError('unavailable', 'database_unavailable', 'The embedded database stopped', {
      cause,
    });
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
  }
}

const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };
};

let compiled: Promise<Pick<PgliteThreadOptions, 'pgliteWasm' | 'initdbWasm'>> | undefined;

/** PGlite's WebAssembly, compiled once per process and shared by its databases' threads (each would take a second). */
const compiledWasm = (): NonNullable<typeof compiled> =>
  (compiled ??= (async () => {
    const dist = path.dirname(require.resolve('@electric-sql/pglite'));
    const compile = async (file: string) => wasm.compile(await fs.readFile(path.join(dist, file)));
    const [pgliteWasm, initdbWasm] = await Promise.all([compile('pglite.wasm'), compile('initdb.wasm')]);
    return { pgliteWasm, initdbWasm };
  })());

/**
 * The worker runs the compiled `pglite-thread.worker.js` next to this file; run from the TypeScript sources (jest,
 * benchmarks), it compiles them on load as jest does.
 */
const startWorker = (options: PgliteThreadOptions): Worker => {
  if (path.extname(__filename) !== '.ts') {
    return new Worker(path.join(__dirname, 'pglite-thread.worker.js'), { workerData: options });
  }
  const hook = path.resolve(__dirname, '..', '..', '..', 'scripts', 'typescript-sources.js');
  const entry = path.join(__dirname, 'pglite-thread.worker.ts');
  return new Worker(`require(${JSON.stringify(hook)}).registerTypeScript(); require(${JSON.stringify(entry)});`, {
    eval: true,
    workerData: options,
  });
};
