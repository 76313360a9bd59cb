import * as path from 'path';
import { PGlite } from '@electric-sql/pglite';
import { DataDirLock } from './data-dir-lock';
import { PgliteStatements } from './pglite-statements';
import { SqlDatabase, SqlQueryable } from './sql-database';

/**
 * Embedded PostgreSQL (PGlite, WASM) in this process. It has one connection: PGlite queues statements and runs
 * one transaction at a time, so transactions here are serial by construction.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly kind = 'pglite' as const;

  private readonly statements: PgliteStatements;

  private constructor(
    private readonly db: PGlite,
    private readonly lock?: DataDirLock,
  ) {
    this.statements = new PgliteStatements(db);
  }

  /**
   * `dataDir` undefined means in memory (tests); otherwise a folder that persists across restarts, which one process
   * at a time may open (`<dataDir>.lock`; a second one fails with `data_dir_in_use`).
   */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    if (!dataDir) return new PgliteDatabase(await PGlite.create({}));
    const lock = await DataDirLock.acquire(`${path.resolve(dataDir)}.lock`);
    try {
      return new PgliteDatabase(await PGlite.create({ dataDir }), lock);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Locked as `PGlite.query` locks: after any transaction in progress, one statement at a time, then synced. */
  async query<Row>(text: string, params: readonly unknown[] = []): Promise<{ rows: Row[] }> {
    await this.db._checkReady();
    const rows = await this.db._runExclusiveTransaction(() =>
      this.db._runExclusiveQuery(() => this.statements.run<Row>(text, params)),
    );
    await this.db.syncToFs();
    return { rows };
  }

  /** PGlite's transaction (BEGIN, COMMIT or ROLLBACK, the lock), its statements run as prepared ones. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(text: string, params: readonly unknown[] = []) => {
          if (tx.closed) throw new Error('Transaction is closed');
          return { rows: await this.db._runExclusiveQuery(() => this.statements.run<Row>(text, params)) };
        },
      }),
    );
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, onNotify);
    return () => unlisten();
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      await this.lock?.release();
    }
  }
}
