import { parentPort, workerData } from 'worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { PgliteStatements } from './pglite-statements';
import { PgliteReply, PgliteRequest, PgliteThreadOptions, serializeError } from './pglite-thread.protocol';

/**
 * The embedded database's own thread: PGlite (WASM) and its file writes run here, so that they never hold up the
 * main thread's HTTP work. Requests are served as `PgliteDatabase` did when PGlite lived in the main thread: one
 * transaction at a time, statements prepared once per text, files synced after each statement outside a transaction.
 */

/** Thrown into PGlite's transaction to make it roll back. */
const ROLLBACK = Symbol('rollback');

interface OpenTransaction {
  /** Once BEGIN has run: statements may arrive before (the main thread does not wait for BEGIN's answer). */
  opened: Promise<Transaction>;
  finish: (commit: boolean) => void;
  done: Promise<void>;
}

const serve = async (port: NonNullable<typeof parentPort>, options: PgliteThreadOptions): Promise<void> => {
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    pgliteWasmModule: options.pgliteWasm,
    initdbWasmModule: options.initdbWasm,
  });
  const statements = new PgliteStatements(db);
  const transactions = new Map<number, OpenTransaction>();
  const unlistens = new Map<string, () => Promise<void>>();
  const send = (reply: PgliteReply) => port.postMessage(reply);

  const query = async (text: string, params: readonly unknown[]): Promise<unknown[]> => {
    await db._checkReady();
    const rows = await db._runExclusiveTransaction(() => db._runExclusiveQuery(() => statements.run(text, params)));
    await db.syncToFs();
    return rows;
  };

  const begin = (id: number): void => {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    let open!: (tx: Transaction) => void;
    let refuse!: (error: unknown) => void;
    const opened = new Promise<Transaction>((resolve, reject) => {
      open = resolve;
      refuse = reject;
    });
    opened.catch(() => undefined);
    let began = false;
    const done = db.transaction(async (tx) => {
      began = true;
      open(tx);
      send({ id });
      if (!(await decided)) throw ROLLBACK;
    });
    // BEGIN itself failed: the begin request and the statements sent after it get the error.
    done.catch((error) => {
      if (began) return;
      refuse(error);
      send({ id, error: serializeError(error) });
    });
    transactions.set(id, { opened, finish, done });
  };

  const end = async (tx: number, commit: boolean): Promise<void> => {
    const open = transactions.get(tx);
    if (!open) throw new Error(`No open transaction ${tx}`);
    open.finish(commit);
    try {
      await open.done;
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    } finally {
      transactions.delete(tx);
    }
  };

  const handle = async (request: PgliteRequest): Promise<unknown[] | undefined> => {
    switch (request.op) {
      case 'query':
        return query(request.text, request.params);
      case 'txQuery': {
        const open = transactions.get(request.tx);
        if (!open) throw new Error(`No open transaction ${request.tx}`);
        const tx = await open.opened;
        if (tx.closed) throw new Error('Transaction is closed');
        return db._runExclusiveQuery(() => statements.run(request.text, request.params));
      }
      case 'end':
        return void (await end(request.tx, request.commit));
      case 'listen':
        unlistens.set(
          request.channel,
          await db.listen(request.channel, (payload) => send({ notify: request.channel, payload })),
        );
        return undefined;
      case 'unlisten':
        await unlistens.get(request.channel)?.();
        unlistens.delete(request.channel);
        return undefined;
      case 'close':
        await db.close();
        return undefined;
      case 'begin':
        throw new Error('begin is answered by the transaction');
    }
  };

  port.on('message', (request: PgliteRequest) => {
    if (request.op === 'begin') return begin(request.id);
    handle(request).then(
      (rows) => send(rows === undefined ? { id: request.id } : { id: request.id, rows }),
      (error) => send({ id: request.id, error: serializeError(error) }),
    );
  });
  send({ id: 0 });
};

if (!parentPort) throw new Error('pglite-thread.worker runs as a worker thread of PgliteDatabase');
const port = parentPort;
serve(port, workerData as PgliteThreadOptions).catch((error) =>
  port.postMessage({ id: 0, error: serializeError(error) }),
);
