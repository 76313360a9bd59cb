import { Pool, PoolClient } from 'pg';
import { SqlDatabase, SqlQueryable } from './sql-database';

/** Longest pause between two attempts to get the LISTEN connection back. */
const MAX_RELISTEN_DELAY_MS = 5_000;

/**
 * PostgreSQL through a `pg` pool. One dedicated client carries LISTEN, opened on first use.
 *
 * A connection the server drops (a restart, a failover, `pg_terminate_backend`) must never take the process down:
 * `pg` emits `error` on a checked-out client that loses its connection between queries, which nobody would catch.
 * A transaction's client is released as broken; the LISTEN client is replaced, with its channels listened to again,
 * retrying with backoff while the database is away (NOTIFYs sent meanwhile are lost: listeners poll as well).
 */
export class PostgresDatabase implements SqlDatabase {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private listener?: Promise<PoolClient>;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private relistenTimer?: NodeJS.Timeout;
  private relistenFailures = 0;
  private closed = false;

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
    let broken: Error | undefined;
    const onError = (error: Error): void => void (broken = error);
    client.on('error', onError);
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
      client.off('error', onError);
      // A client whose connection broke is destroyed rather than handed to the next caller.
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel);
    const isNew = !handlers;
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
    }
    handlers.add(onNotify);
    const unlisten = async (): Promise<void> => void handlers!.delete(onNotify);
    try {
      const client = await this.listenerClient();
      if (isNew) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      // Not listening: the caller learns it (and polls); a later call, or the reconnection, tries again.
      await unlisten();
      if (handlers.size === 0) this.channels.delete(channel);
      throw error;
    }
    return unlisten;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.relistenTimer);
    if (this.listener) {
      const client = await this.listener.catch(() => undefined);
      client?.release();
    }
    await this.pool.end();
  }

  private listenerClient(): Promise<PoolClient> {
    this.listener ??= this.connectListener().catch((error: unknown) => {
      this.listener = undefined;
      throw error;
    });
    return this.listener;
  }

  /** A client for LISTEN: on the channels already asked for, replaced when its connection goes. */
  private async connectListener(): Promise<PoolClient> {
    const client = await this.pool.connect();
    let lost = false;
    const onLost = (error?: Error): void => {
      // After close() the pool ends this client itself, once it was released.
      if (lost || this.closed) return;
      lost = true;
      this.listener = undefined;
      client.release(error ?? true);
      this.scheduleRelisten();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      for (const handler of this.channels.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    try {
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      onLost(error as Error);
      throw error;
    }
    return client;
  }

  /** While someone listens, get a LISTEN connection back after a pause that grows with each failed attempt. */
  private scheduleRelisten(): void {
    if (this.closed || this.relistenTimer || this.channels.size === 0) return;
    const delay = Math.min(MAX_RELISTEN_DELAY_MS, 100 * 2 ** this.relistenFailures);
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = undefined;
      if (this.closed || this.listener) return;
      this.listenerClient().then(
        () => (this.relistenFailures = 0),
        () => {
          this.relistenFailures++;
          this.scheduleRelisten();
        },
      );
    }, delay);
    this.relistenTimer.unref();
  }
}

export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;
