import { RosterError } from '@roster/errors';
import { SqlDatabase, SqlQueryable, quoteIdentifier } from '@roster/sql';
import { Projection, positionParam, toBigInt } from './projection';

/** Checkpoint shared by the registry's projections (one runner, one position). */
export const REGISTRY_CHECKPOINT = 'registry';
export const CHECKPOINTS_TABLE = 'rm_checkpoints';
/** NOTIFY channel; payload `<checkpoint name>:<position>`, sent in the transaction that commits the position. */
export const READ_MODELS_CHANNEL = 'roster_read_models';

const SCHEMA_LOCK = 'roster.read_models.schema';

const CHECKPOINTS_DDL = `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (
  name text PRIMARY KEY,
  position bigint NOT NULL,
  -- which projection versions the position is valid for; a mismatch means "rebuild"
  signature text NOT NULL,
  tables text[] NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

/** Identifies the set of projection versions a checkpoint was built with. */
export const signatureOf = (projections: readonly Projection[]): string =>
  projections
    .map((p) => `${p.name}@${p.version}`)
    .sort()
    .join(',');

const tableNamesOf = (projections: readonly Projection[]): string[] =>
  projections.flatMap((p) => p.tables.map((t) => t.name));

/**
 * Creates the checkpoint table and every projection table if missing (idempotent). Runs in one transaction when
 * given a database: concurrent CREATE ... IF NOT EXISTS from two processes can still collide in the catalog, so
 * they take turns on an advisory lock.
 */
export const createReadModelSchema = async (
  db: SqlDatabase | SqlQueryable,
  projections: readonly Projection[],
): Promise<void> => {
  if ('transaction' in db) return db.transaction((tx) => createReadModelSchema(tx, projections));
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SCHEMA_LOCK]);
  await db.query(CHECKPOINTS_DDL);
  for (const projection of projections)
    for (const table of projection.tables) for (const ddl of table.ddl) await db.query(ddl);
};

export const readCheckpoint = async (db: SqlQueryable, name: string): Promise<bigint | undefined> => {
  const { rows } = await db.query<{ position: unknown }>(`SELECT position FROM ${CHECKPOINTS_TABLE} WHERE name = $1`, [
    name,
  ]);
  return rows[0] ? toBigInt(rows[0].position) : undefined;
};

/**
 * Creates what is missing of the schema, then makes the checkpoint row match the projections. When the row is
 * missing, was written for other projection versions or `reset` is asked, drops the projection tables (and those no
 * projection uses any more), creates them afresh and sets the position to 0, so the log is replayed into empty
 * tables. Returns the position to resume after. One transaction, serialised on the checkpoint row.
 */
export const prepareCheckpoint = (
  db: SqlDatabase,
  name: string,
  projections: readonly Projection[],
  options: { reset?: boolean } = {},
): Promise<bigint> =>
  db.transaction(async (tx) => {
    await createReadModelSchema(tx, projections);
    const signature = signatureOf(projections);
    const tables = tableNamesOf(projections);
    await tx.query(
      `INSERT INTO ${CHECKPOINTS_TABLE} (name, position, signature, tables) VALUES ($1, 0, '', '{}') ON CONFLICT (name) DO NOTHING`,
      [name],
    );
    const { rows } = await tx.query<{ position: unknown; signature: string; tables: string[] }>(
      `SELECT position, signature, tables FROM ${CHECKPOINTS_TABLE} WHERE name = $1 FOR UPDATE`,
      [name],
    );
    const row = rows[0];
    if (!options.reset && row.signature === signature) return toBigInt(row.position);
    for (const table of new Set([...row.tables, ...tables]))
      await tx.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
    await createReadModelSchema(tx, projections);
    await tx.query(
      `UPDATE ${CHECKPOINTS_TABLE} SET position = 0, signature = $2, tables = $3, updated_at = now() WHERE name = $1`,
      [name, signature, tables],
    );
    return 0n;
  });

/**
 * Another writer (a second runner, a rebuild) moved the checkpoint under us, backwards: what we hold in memory no
 * longer follows it. The runner resubscribes from the stored position.
 */
export class CheckpointMovedError extends RosterError {
  constructor(name: string, expected: bigint, actual: bigint) {
    super(
      'conflict',
      'read_model_checkpoint_moved',
      `Checkpoint ${name} is at ${actual}, expected at least ${expected}`,
      {
        retriable: true,
        details: { name, expected: expected.toString(), actual: actual.toString() },
      },
    );
  }
}

/**
 * Locks the checkpoint row for the rest of the transaction and returns its position. Throws `CheckpointMovedError`
 * when it is behind `expectedAtLeast` (it was reset). Events at or below the returned position were applied already.
 */
export const lockCheckpoint = async (tx: SqlQueryable, name: string, expectedAtLeast: bigint): Promise<bigint> => {
  const { rows } = await tx.query<{ position: unknown }>(
    `SELECT position FROM ${CHECKPOINTS_TABLE} WHERE name = $1 FOR UPDATE`,
    [name],
  );
  const stored = rows[0] ? toBigInt(rows[0].position) : -1n;
  if (stored < expectedAtLeast) throw new CheckpointMovedError(name, expectedAtLeast, stored);
  return stored;
};

/** Stores the position and queues its notification (sent at commit), in one round trip. */
export const saveCheckpoint = async (tx: SqlQueryable, name: string, position: bigint): Promise<void> => {
  await tx.query(
    `UPDATE ${CHECKPOINTS_TABLE} SET position = $2, updated_at = now() WHERE name = $1 RETURNING pg_notify($3, $4)`,
    [name, positionParam(position), READ_MODELS_CHANNEL, `${name}:${position}`],
  );
};

export const parseNotification = (payload: string): { name: string; position: bigint } | undefined => {
  const at = payload.lastIndexOf(':');
  const digits = payload.slice(at + 1);
  if (at < 0 || !/^\d+$/.test(digits)) return undefined;
  return { name: payload.slice(0, at), position: BigInt(digits) };
};
