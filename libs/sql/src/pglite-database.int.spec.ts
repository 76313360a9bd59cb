import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PgliteDatabase } from './pglite-database';

/**
 * The embedded database runs in a worker thread: what crosses between the threads (rows, errors, notifications,
 * transactions) must arrive as it would from PGlite in this thread.
 */
describe('PgliteDatabase in its worker thread', () => {
  let db: PgliteDatabase;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await db.query('CREATE TABLE item (id int PRIMARY KEY, doc jsonb, at timestamptz, big bigint)');
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns rows with their parsed types', async () => {
    const at = new Date('2026-11-29T01:00:00Z');
    await db.query('INSERT INTO item (id, doc, at, big) VALUES ($1, $2, $3, $4)', [1, { a: [1, 'x'] }, at, 5n]);

    const { rows } = await db.query('SELECT id, doc, at, big FROM item WHERE id = $1', [1]);

    expect(rows).toEqual([{ id: 1, doc: { a: [1, 'x'] }, at, big: 5 }]);
  });

  it("keeps a PostgreSQL error's SQLSTATE, message and detail", async () => {
    await db.query('INSERT INTO item (id) VALUES (2)');

    const failure = db.query('INSERT INTO item (id) VALUES (2)');

    await expect(failure).rejects.toMatchObject({
      code: '23505',
      message: expect.stringContaining('duplicate key'),
      detail: 'Key (id)=(2) already exists.',
    });
    await expect(failure).rejects.toBeInstanceOf(Error);
  });

  it('commits a transaction whose work resolves, and rolls back one whose work throws', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO item (id) VALUES (3)');
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM item WHERE id = 3')).rows[0].n;
    });
    const failed = db.transaction(async (tx) => {
      await tx.query('INSERT INTO item (id) VALUES (4)');
      throw new Error('work failed');
    });

    expect(result).toBe(1);
    await expect(failed).rejects.toThrow('work failed');
    const { rows } = await db.query<{ id: number }>('SELECT id FROM item WHERE id IN (3, 4) ORDER BY id');
    expect(rows).toEqual([{ id: 3 }]);
  });

  it('commits a transaction whose work runs no statement', async () => {
    await expect(db.transaction(async () => 'nothing to do')).resolves.toBe('nothing to do');
  });

  it('runs a statement sent during a transaction after that transaction', async () => {
    const order: string[] = [];
    let inside!: () => void;
    const begun = new Promise<void>((resolve) => (inside = resolve));
    const transaction = db.transaction(async (tx) => {
      inside();
      await tx.query('INSERT INTO item (id) VALUES (5)');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.query('UPDATE item SET big = 7 WHERE id = 5');
      order.push('committed');
    });
    await begun;

    const { rows } = await db.query<{ big: number }>('SELECT big FROM item WHERE id = 5');
    order.push('read');

    await transaction;
    expect(order).toEqual(['committed', 'read']);
    expect(rows).toEqual([{ big: 7 }]);
  });

  it('delivers NOTIFY payloads to every listener of the channel until each unlistens', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const unlistenFirst = await db.listen('changes', (payload) => first.push(payload));
    const unlistenSecond = await db.listen('changes', (payload) => second.push(payload));

    await db.query("SELECT pg_notify('changes', 'one')");
    await unlistenFirst();
    await db.query("SELECT pg_notify('changes', 'two')");
    await unlistenSecond();
    await db.query("SELECT pg_notify('changes', 'three')");

    expect(first).toEqual(['one']);
    expect(second).toEqual(['one', 'two']);
  });

  it('reports a data folder it cannot open, and leaves no lock behind', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'roster-pglite-'));
    const notAFolder = path.join(dir, 'data');
    await fs.writeFile(notAFolder, 'not a database');

    await expect(PgliteDatabase.open(notAFolder)).rejects.toThrow();

    await expect(fs.access(`${notAFolder}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.rm(dir, { recursive: true });
  });

  it('fails the statements in flight and every later one when its thread dies, instead of leaving them waiting', async () => {
    const doomed = await PgliteDatabase.open();
    const inFlight = doomed.query('SELECT pg_sleep(5)');

    await (doomed as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();

    await expect(inFlight).rejects.toMatchObject({ code: 'database_unavailable', retriable: true });
    await expect(doomed.query('SELECT 1')).rejects.toMatchObject({ code: 'database_unavailable' });
    await expect(doomed.close()).resolves.toBeUndefined();
  });

  it('refuses statements once closed', async () => {
    const other = await PgliteDatabase.open();
    await other.close();

    await expect(other.query('SELECT 1')).rejects.toMatchObject({ code: 'database_closed' });
    await expect(other.transaction((tx) => tx.query('SELECT 1'))).rejects.toMatchObject({ code: 'database_closed' });
    await expect(other.transaction(async () => 'no statement')).rejects.toMatchObject({ code: 'database_closed' });
  });
});
