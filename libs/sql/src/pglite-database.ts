import { PGlite } from '@electric-sql/pglite';
import { SqlDatabase, SqlQueryable } from './sql-database';

/**
 * Embedded PostgreSQL (PGlite, WASM) in this process. It has one connection: PGlite queues statements and runs
 * one transaction at a time, so transactions here are serial by construction.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  /** `dataDir` undefined means in memory (tests); otherwise a folder that persists across restarts. */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const db = await PGlite.create(dataDir ? { dataDir } : {});
    return new PgliteDatabase(db);
  }

  async query<Row>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }> {
    const result = await this.db.query<Row>(text, params as unknown[]);
    return { rows: result.rows };
  }

  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(text: string, params?: readonly unknown[]) => {
          const result = await tx.query<Row>(text, params as unknown[]);
          return { rows: result.rows };
        },
      }),
    );
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, onNotify);
    return () => unlisten();
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
