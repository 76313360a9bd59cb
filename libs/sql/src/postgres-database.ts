import { Pool, PoolClient } from 'pg';
import { SqlDatabase, SqlQueryable } from './sql-database';

/** PostgreSQL through a `pg` pool. One dedicated client carries LISTEN, opened on first use. */
export class PostgresDatabase implements SqlDatabase {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private listener?: Promise<PoolClient>;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();

  constructor(connectionString: string, options: { max?: number; applicationName?: string } = {}) {
    this.pool = new Pool({
      connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'roster',
    });
    // An idle client that loses its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }> {
    const result = await this.pool.query(text, params as unknown[]);
    return { rows: result.rows as Row[] };
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlQueryable = {
        query: async <Row>(text: string, params?: readonly unknown[]) => {
          const result = await client.query(text, params as unknown[]);
          return { rows: result.rows as Row[] };
        },
      };
      const value = await work(tx);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const client = await this.listenerClient();
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    }
    handlers.add(onNotify);
    return async () => {
      handlers!.delete(onNotify);
    };
  }

  async close(): Promise<void> {
    if (this.listener) {
      const client = await this.listener.catch(() => undefined);
      client?.release();
    }
    await this.pool.end();
  }

  private listenerClient(): Promise<PoolClient> {
    this.listener ??= this.pool.connect().then((client) => {
      client.on('notification', (message) => {
        for (const handler of this.channels.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      return client;
    });
    return this.listener;
  }
}

export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;
