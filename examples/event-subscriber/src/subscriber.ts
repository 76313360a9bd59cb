/**
 * An example subscriber of Roster's integration events (libs/integration-events/schemas/README.md): a directory of
 * every tenant's applications (name, type, number of client grants), kept in the subscriber's own PostgreSQL database.
 *
 * It needs only kafkajs and pg, no Roster code: the contract is the topic, the CloudEvents headers and the schemas.
 *
 * Idempotent: each event's ce_id is recorded in the same transaction as its effect, so an event delivered twice (a
 * crash after the transaction but before the offset commit, a group reset, a replay) changes nothing the second time.
 * Offsets are committed only after that transaction.
 */
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';

/** The subscriber's tables; created at start if missing. */
export const DIRECTORY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS processed_events (
    source text NOT NULL,
    id text NOT NULL,
    type text NOT NULL,
    PRIMARY KEY (source, id)
  );
  CREATE TABLE IF NOT EXISTS applications (
    tenant text NOT NULL,
    client_id text NOT NULL,
    name text NOT NULL,
    app_type text NOT NULL,
    client_grants integer NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, client_id)
  );
`;

/** The CloudEvents attributes Roster sets, and the data. */
export interface CloudEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: Record<string, unknown>;
}

const headerText = (message: KafkaMessage, name: string): string | undefined => {
  const value = message.headers?.[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
};

/** The event a message carries in CloudEvents binary mode, or undefined when the message is not one. */
export const cloudEventOf = (message: KafkaMessage): CloudEvent | undefined => {
  const [specversion, id, type, source, subject, time] = [
    'ce_specversion',
    'ce_id',
    'ce_type',
    'ce_source',
    'ce_subject',
    'ce_time',
  ].map((name) => headerText(message, name));
  if (specversion !== '1.0' || !id || !type || !source || !subject || !time || !message.value) return undefined;
  try {
    return { id, type, source, subject, time, data: JSON.parse(message.value.toString()) };
  } catch {
    return undefined;
  }
};

/** The tenant of an event: its source is `/tenants/<tenant>`. */
const tenantOf = (event: CloudEvent): string => event.source.slice('/tenants/'.length);

/** The event's effect on the directory; runs in the transaction that records the event as processed. */
const apply = async (db: PoolClient, event: CloudEvent): Promise<void> => {
  const tenant = tenantOf(event);
  const data = event.data as {
    client_id: string;
    settings?: { name: string; app_type: string };
    changes?: { name?: string; app_type?: string };
  };
  switch (event.type) {
    case 'com.roster.application.registered.v1':
      await db.query(
        `INSERT INTO applications (tenant, client_id, name, app_type, changed_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant, client_id) DO UPDATE SET name = $3, app_type = $4, changed_at = $5`,
        [tenant, data.client_id, data.settings!.name, data.settings!.app_type, event.time],
      );
      return;
    case 'com.roster.application.settings_changed.v1':
      // Only the fields that changed are in `changes`; the others keep their value.
      await db.query(
        `UPDATE applications SET name = coalesce($3, name), app_type = coalesce($4, app_type), changed_at = $5
         WHERE tenant = $1 AND client_id = $2`,
        [tenant, data.client_id, data.changes?.name ?? null, data.changes?.app_type ?? null, event.time],
      );
      return;
    case 'com.roster.application.removed.v1':
      await db.query('DELETE FROM applications WHERE tenant = $1 AND client_id = $2', [tenant, data.client_id]);
      return;
    case 'com.roster.client_grant.created.v1':
    case 'com.roster.client_grant.removed.v1':
      // Not idempotent by itself (a replay would count twice): processed_events is what keeps it right.
      await db.query(
        'UPDATE applications SET client_grants = client_grants + $3 WHERE tenant = $1 AND client_id = $2',
        [tenant, data.client_id, event.type === 'com.roster.client_grant.created.v1' ? 1 : -1],
      );
      return;
    default:
    // Other types (and types added to the contract later) are of no interest to this directory.
  }
};

/** Applies the event unless it was processed before; true when it was new. */
export const processOnce = async (pool: Pool, event: CloudEvent): Promise<boolean> => {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const recorded = await db.query(
      'INSERT INTO processed_events (source, id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [event.source, event.id, event.type],
    );
    const isNew = recorded.rowCount === 1;
    if (isNew) await apply(db, event);
    await db.query('COMMIT');
    return isNew;
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
};

export interface DirectoryOptions {
  topic: string;
  groupId: string;
}

/** Consumes the topic into the directory until stopped. */
export class ApplicationDirectory {
  /** What the subscriber did with each message it received. */
  readonly counts = { applied: 0, duplicates: 0, notCloudEvents: 0 };
  private readonly kafka: Kafka;
  private readonly pool: Pool;
  private readonly options: DirectoryOptions;
  private consumer?: Consumer;

  constructor(kafka: Kafka, pool: Pool, options: DirectoryOptions) {
    this.kafka = kafka;
    this.pool = pool;
    this.options = options;
  }

  async start(): Promise<void> {
    await this.pool.query(DIRECTORY_SCHEMA);
    const consumer = this.kafka.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const event = cloudEventOf(message);
        if (!event) this.counts.notCloudEvents += 1;
        else if (await processOnce(this.pool, event)) this.counts.applied += 1;
        else this.counts.duplicates += 1;
        // After the transaction: a crash before this commit redelivers the message, and processOnce skips it.
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
