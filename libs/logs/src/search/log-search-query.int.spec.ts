import { PostgresDatabase } from '@roster/sql';
import { describeWithService, serviceUrl } from '@roster/testing';
import { parseLogSearchQuery, toSqlCondition } from './log-search-query';

/** Rows with the awkward cases: absent fields, LIKE metacharacters, non-ASCII text, dates on period edges. */
const ROWS = [
  {
    id: 1,
    type: 's',
    user_name: 'jane smith',
    user_id: 'auth0|1',
    date: '2018-12-18T10:00:00.000Z',
    description: '100%_done\\x',
  },
  {
    id: 2,
    type: 'fp',
    user_name: 'John',
    user_id: null,
    date: '2018-12-31T23:59:59.999Z',
    description: 'Create a rule',
  },
  { id: 3, type: 'seccft', user_name: null, user_id: null, date: '2019-01-01T00:00:00.000Z', description: '100 done' },
  { id: 4, type: 'S', user_name: 'Åsa', user_id: 'b', date: '2019-01-01T12:23:45.000Z', description: 'b' },
];

describeWithService('postgres', 'log search conditions on PostgreSQL', () => {
  let db: PostgresDatabase;

  beforeAll(() => {
    db = new PostgresDatabase(serviceUrl('postgres')!, { max: 1 });
  });

  afterAll(() => db.close());

  it.each<[string, number[]]>([
    ['type:s', [1]],
    ['type:S', [4]],
    ['type:s*', [1, 3]],
    ['user_id:*', [1, 4]],
    ['NOT user_id:*', [2, 3]],
    // Events without the field match a negated term, as in Lucene.
    ['NOT user_id:b', [1, 2, 3]],
    ['NOT (user_id:b OR type:fp)', [1, 3]],
    ['type:s OR type:fp user_name:John', [1, 2]],
    ['description:100%_*', [1]],
    ['description:100\\%_done\\\\x', [1]],
    ['description:*rule', [2]],
    ['date:2018-12', [1, 2]],
    ['date:[2018-12 TO 2019-01-01}', [1, 2]],
    ['date:{2018-12-18 TO 2019-01-01]', [2, 3, 4]],
    ['date:[* TO 2019-01-01T12:23:45}', [1, 2, 3]],
    ['date:"2019-01-01T13:23:45+01:00"', [4]],
    // Code point order whatever the database collation: lower case and Å sort after Z.
    ['user_name:[A TO Z]', [2]],
    ['user_name:{John TO *]', [1, 4]],
  ])('%s', async (q, expected) => {
    const condition = toSqlCondition(parseLogSearchQuery(q), (field) => `t.${field}`, 2);
    const ids = await db.transaction(async (tx) => {
      await tx.query(
        `CREATE TEMP TABLE t (id int, type text, user_name text, user_id text, date timestamptz, description text)
         ON COMMIT DROP`,
      );
      for (const row of ROWS) {
        await tx.query('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)', Object.values(row));
      }
      const { rows } = await tx.query<{ id: number }>(
        `SELECT id FROM t WHERE id > $1 AND ${condition.sql} ORDER BY id`,
        [0, ...condition.params],
      );
      return rows.map((row) => row.id);
    });
    expect(ids).toEqual(expected);
  });
});
