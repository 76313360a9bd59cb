import { PGlite } from '@electric-sql/pglite';
import { MAX_PREPARED_STATEMENTS, PgliteStatements } from './pglite-statements';
import { PgliteDatabase } from './pglite-database';

/**
 * PGlite's prepared statements must answer exactly as `PGlite.query` does (same parameter serialisation, same row
 * parsing), keep the server's prepared statements bounded, and survive what can happen to a statement: a table that
 * changes shape under it, errors, transactions rolled back.
 */
describe('PGlite prepared statements', () => {
  let pg: PGlite;
  let statements: PgliteStatements;
  const run = <Row>(text: string, params: readonly unknown[] = []) =>
    pg.runExclusive(() => statements.run<Row>(text, params));

  beforeAll(async () => {
    pg = await PGlite.create();
    statements = new PgliteStatements(pg);
    await pg.exec(`CREATE TABLE sample (id bigint PRIMARY KEY, name text, tags text[], doc jsonb, at timestamptz)`);
  });
  afterAll(async () => {
    await pg.close();
  });

  it('serialises parameters and parses rows as PGlite.query does', async () => {
    const rows: unknown[][] = [
      [
        1n,
        'plain',
        ['a', 'b,c', 'd"e'],
        { nested: { n: 1, s: 'x' }, list: [1, null] },
        new Date('2026-11-28T10:00:00Z'),
      ],
      [2, null, [], null, '2026-01-01T00:00:00.000Z'],
      ['4611686018427387903', 'émoji 🎉 and \\ backslash', null, [1, 'two'], null],
    ];
    const insert = 'INSERT INTO sample (id, name, tags, doc, at) VALUES ($1, $2, $3, $4, $5)';
    for (const row of rows) await run(insert, row);
    const select = 'SELECT id, name, tags, doc, at, id * 2 AS twice, $1::int AS param FROM sample ORDER BY id';
    // Twice: the second run uses the statement prepared by the first.
    for (let i = 0; i < 2; i++) {
      expect(await run(select, [42])).toEqual((await pg.query(select, [42])).rows);
    }
    expect(await run('SELECT count(*)::int AS n FROM sample WHERE $1::text IS NULL', [null])).toEqual([{ n: 3 }]);
    expect(await run('DELETE FROM sample WHERE id = $1', [2])).toEqual([]);
  });

  it('keeps at most MAX_PREPARED_STATEMENTS prepared, closing the least recently used', async () => {
    await run('SELECT 1 AS kept');
    for (let i = 0; i < MAX_PREPARED_STATEMENTS + 20; i++) {
      expect(await run(`SELECT ${i} AS n`)).toEqual([{ n: i }]);
      if (i % 50 === 0) await run('SELECT 1 AS kept');
    }
    const [{ n }] = (await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows;
    expect(n).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS);
    expect(n).toBeGreaterThan(MAX_PREPARED_STATEMENTS / 2);
    const kept = await pg.query(`SELECT 1 FROM pg_prepared_statements WHERE statement = 'SELECT 1 AS kept'`);
    expect(kept.rows).toHaveLength(1);
  });

  it('prepares every statement again after a schema change it ran', async () => {
    await run('CREATE TABLE reshaped (a int)');
    await run('INSERT INTO reshaped VALUES (1)');
    expect(await run('SELECT * FROM reshaped')).toEqual([{ a: 1 }]);
    await run('DROP TABLE reshaped');
    await run('CREATE TABLE reshaped (a int, b text)');
    await run(`INSERT INTO reshaped VALUES (2, 'x')`);
    expect(await run('SELECT * FROM reshaped')).toEqual([{ a: 2, b: 'x' }]);
  });

  it('prepares a statement again when a table changed shape behind its back, after one refusal', async () => {
    await pg.exec('CREATE TABLE behind (a int); INSERT INTO behind VALUES (1)');
    expect(await run('SELECT * FROM behind')).toEqual([{ a: 1 }]);
    await pg.exec(`DROP TABLE behind; CREATE TABLE behind (a int, b text); INSERT INTO behind VALUES (2, 'x')`);
    // PostgreSQL refuses the old plan ("cached plan must not change result type"); the next run prepares anew.
    await expect(run('SELECT * FROM behind')).rejects.toMatchObject({ code: '0A000' });
    expect(await run('SELECT * FROM behind')).toEqual([{ a: 2, b: 'x' }]);
  });

  it('stays usable after errors, and a failed transaction leaves nothing behind', async () => {
    const db = await PgliteDatabase.open();
    try {
      await db.query('CREATE TABLE t (id int PRIMARY KEY)');
      await expect(db.query('SELEC 1')).rejects.toThrow(/syntax/);
      await expect(db.query('SELECT $1::int AS n', ['not a number'])).rejects.toThrow(/invalid input syntax/);
      await db.query('INSERT INTO t VALUES ($1)', [1]);
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES ($1)', [2]);
          await tx.query('INSERT INTO t VALUES ($1)', [1]);
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect((await db.query('SELECT id FROM t ORDER BY id')).rows).toEqual([{ id: 1 }]);
      expect(await db.transaction(async (tx) => (await tx.query('SELECT $1::int AS n', [7])).rows)).toEqual([{ n: 7 }]);
    } finally {
      await db.close();
    }
  });
});
