import { RosterError } from '@roster/errors';
import { LOG_TYPES } from '../catalogue';
import { datePeriod } from './date-period';
import { type LogSearchNode, MAX_LOG_QUERY_LENGTH, parseLogSearchQuery, toSqlCondition } from './log-search-query';

const columnOf = (field: string): string => `l.${field}`;
const sqlOf = (q: string, firstParam = 1) => toSqlCondition(parseLogSearchQuery(q), columnOf, firstParam);

describe('parseLogSearchQuery + toSqlCondition: accepted queries', () => {
  it.each<[string, string, unknown[]]>([
    // terms, quoting, escaping
    ['type:s', 'l.type = $1', ['s']],
    ['user_name:"John Smith"', 'l.user_name = $1', ['John Smith']],
    ['user_id:"123"', 'l.user_id = $1', ['123']],
    ['description:"a \\"quoted\\" word"', 'l.description = $1', ['a "quoted" word']],
    ['description:a\\ b\\*', 'l.description = $1', ['a b*']],
    ['type:"*"', 'l.type = $1', ['*']],
    ['user_id:auth0|abc:1', 'l.user_id = $1', ['auth0|abc:1']],
    ['ip:::1', 'l.ip = $1', ['::1']],
    ['client_name:""', 'l.client_name = $1', ['']],
    ['description:NOT', 'l.description = $1', ['NOT']],
    // wildcards, with %, _ and \ escaped for LIKE
    ['type:s*', 'l.type LIKE $1', ['s%']],
    ['connection:*pass*', 'l.connection LIKE $1', ['%pass%']],
    ['user_name:jane*smith', 'l.user_name LIKE $1', ['jane%smith']],
    ['user_name:*usa', 'l.user_name LIKE $1', ['%usa']],
    ['user_name:jo**', 'l.user_name LIKE $1', ['jo%']],
    ['description:100%_\\\\*', 'l.description LIKE $1', ['100\\%\\_\\\\%']],
    ['user_id:*', 'l.user_id IS NOT NULL', []],
    // boolean operators: NOT > AND (explicit or implicit) > OR
    ['type:s OR type:f', '(l.type = $1 OR l.type = $2)', ['s', 'f']],
    ['type:s type:f', '(l.type = $1 AND l.type = $2)', ['s', 'f']],
    ['type:s AND(client_id:c)', '(l.type = $1 AND l.client_id = $2)', ['s', 'c']],
    ['type:s client_id:c OR ip:1', '((l.type = $1 AND l.client_id = $2) OR l.ip = $3)', ['s', 'c', '1']],
    [
      'type:s AND (client_id:a OR client_id:b)',
      '(l.type = $1 AND (l.client_id = $2 OR l.client_id = $3))',
      ['s', 'a', 'b'],
    ],
    [
      'type:a OR type:b OR (type:c OR type:d)',
      '(l.type = $1 OR l.type = $2 OR l.type = $3 OR l.type = $4)',
      ['a', 'b', 'c', 'd'],
    ],
    ['NOT type:s', '(l.type = $1) IS NOT TRUE', ['s']],
    ['type:s NOT user_id:x', '(l.type = $1 AND (l.user_id = $2) IS NOT TRUE)', ['s', 'x']],
    ['NOT (type:s OR type:f)', '(l.type = $1 OR l.type = $2) IS NOT TRUE', ['s', 'f']],
    ['NOT NOT type:s', '((l.type = $1) IS NOT TRUE) IS NOT TRUE', ['s']],
    ['  ((type:s))  ', 'l.type = $1', ['s']],
    // dates name periods; ranges take in or leave out the whole period of each bound
    [
      'date:2018-12-18',
      '(l.date >= $1::timestamptz AND l.date < $2::timestamptz)',
      ['2018-12-18T00:00:00.000Z', '2018-12-19T00:00:00.000Z'],
    ],
    ['date:[2018-12-18 TO *]', 'l.date >= $1::timestamptz', ['2018-12-18T00:00:00.000Z']],
    ['date:[* TO 2018-12-19}', 'l.date < $1::timestamptz', ['2018-12-19T00:00:00.000Z']],
    [
      'date:[2018-12 TO 2019-01-01}',
      '(l.date >= $1::timestamptz AND l.date < $2::timestamptz)',
      ['2018-12-01T00:00:00.000Z', '2019-01-01T00:00:00.000Z'],
    ],
    [
      'date:{2018-12-18 TO 2018-12-20]',
      '(l.date >= $1::timestamptz AND l.date < $2::timestamptz)',
      ['2018-12-19T00:00:00.000Z', '2018-12-21T00:00:00.000Z'],
    ],
    [
      'date:[2019-01-01T01:00:00 TO 2019-01-01T12:23:45}',
      '(l.date >= $1::timestamptz AND l.date < $2::timestamptz)',
      ['2019-01-01T01:00:00.000Z', '2019-01-01T12:23:45.000Z'],
    ],
    ['date:["2019-01-01T01:00+02:00" TO *]', 'l.date >= $1::timestamptz', ['2018-12-31T23:00:00.000Z']],
    ['date:[* TO *]', 'l.date IS NOT NULL', []],
    // text ranges compare by code point
    ['log_id:[000010 TO 000020}', '(l.log_id COLLATE "C" >= $1 AND l.log_id COLLATE "C" < $2)', ['000010', '000020']],
    ['user_name:{"a b" TO *]', 'l.user_name COLLATE "C" > $1', ['a b']],
  ])('%s', (q, sql, params) => {
    expect(sqlOf(q)).toEqual({ sql, params });
  });

  it('numbers parameters from firstParam', () => {
    expect(sqlOf('type:s OR date:2018', 3)).toEqual({
      sql: '(l.type = $3 OR (l.date >= $4::timestamptz AND l.date < $5::timestamptz))',
      params: ['s', '2018-01-01T00:00:00.000Z', '2019-01-01T00:00:00.000Z'],
    });
  });

  it('never puts a value into the SQL text', () => {
    const hostile = `x' OR '1'='1; DROP TABLE logs; --`;
    const { sql, params } = sqlOf(`description:"${hostile}" OR user_name:${hostile.replace(/[ ;']/g, '\\$&')}*`);
    expect(sql).toBe('(l.description = $1 OR l.user_name LIKE $2)');
    expect(params).toEqual([hostile, `${hostile}%`]);
  });

  it('builds the AST it documents', () => {
    expect(parseLogSearchQuery('type:s OR NOT user_name:j* date:[2018 TO *]')).toEqual<LogSearchNode>({
      kind: 'or',
      operands: [
        { kind: 'match', field: 'type', value: 's' },
        {
          kind: 'and',
          operands: [
            { kind: 'not', operand: { kind: 'wildcard', field: 'user_name', parts: ['j', ''] } },
            { kind: 'range', field: 'date', lower: { value: '2018', inclusive: true } },
          ],
        },
      ],
    });
  });

  it('takes the legacy extensions’ OR of every known type code', () => {
    const q = LOG_TYPES.map((row) => `type:${row.code}`).join(' OR ');
    expect(q.length).toBeLessThanOrEqual(MAX_LOG_QUERY_LENGTH);
    expect(sqlOf(q).params).toHaveLength(LOG_TYPES.length);
  });

  it('accepts parentheses nested 10 deep', () => {
    expect(sqlOf(`${'('.repeat(10)}type:s${')'.repeat(10)}`).sql).toBe('l.type = $1');
  });
});

describe('parseLogSearchQuery: rejected queries', () => {
  it.each<[string, string]>([
    ['', 'Invalid query: it is empty'],
    ['   ', 'Invalid query: it is empty'],
    ['x'.repeat(MAX_LOG_QUERY_LENGTH + 1), `it is ${MAX_LOG_QUERY_LENGTH + 1} characters long, the limit is 4096`],
    ['foo:bar', 'at position 1: unknown field "foo"; searchable fields are client_id, client_name,'],
    ['Type:s', 'at position 1: unknown field "Type"'],
    ['audience:x', 'unknown field "audience"'],
    ['type:s jane', 'at position 8: search term "jane" has no field; write field:value'],
    ['"jane"', 'at position 1: search term "\\"jane\\"" has no field'],
    [':x', 'at position 1: missing field name before ":"'],
    ['type:s and type:f', 'at position 8: operators are upper case; write AND, not and'],
    ['type:s AND', 'at the end (position 11): expected a search term after AND'],
    ['OR type:s', 'at position 1: OR needs a search term before it'],
    ['type:s OR OR type:f', 'at position 11: expected a search term after OR, found OR'],
    ['type:s NOT', 'at the end (position 11): expected a search term after NOT'],
    ['NOT )', 'at position 5: expected a search term after NOT, found ")"'],
    ['type:', 'at the end (position 6): missing value after type:'],
    ['type: s', 'at position 6: missing value after type:'],
    ['type:(s OR f)', 'at position 6: grouping values as type:(…) is not supported; write (type:a OR type:b)'],
    ['type:s?', 'at position 7: the ? wildcard is not supported; use *'],
    ['user_name:jo?n', 'at position 13: the ? wildcard is not supported'],
    ['type:s^2', 'at position 7: boosting (^) is not supported'],
    ['user_name:"jane"~2', 'at position 17: fuzzy and proximity searches (~) are not supported'],
    ['user_name:"jane"x', 'at position 17: unexpected "x" after a quoted value'],
    ['user_name:"jane', 'at position 11: this quoted value is never closed'],
    ['type:a"b', 'at position 7: unexpected " inside a value; quote the whole value'],
    ['type:a\\', 'at position 7: nothing to escape after \\'],
    ['user_name:*sa', 'at position 11: wildcards other than a trailing * need at least 3 other characters'],
    ['user_name:a*b', 'at position 11: wildcards other than a trailing * need at least 3'],
    ['(type:s', 'at position 1: this "(" is never closed'],
    ['type:s)', 'at position 7: unexpected ")" without a matching "("'],
    ['type:s ()', 'at position 8: empty parentheses'],
    [`${'('.repeat(11)}type:s${')'.repeat(11)}`, 'at position 11: parentheses nest more than 10 levels deep'],
    ['date:2018-12*', 'at position 6: wildcards are not supported on date; use a range'],
    ['date:2018-02-30', 'at position 6: invalid date "2018-02-30"; dates are written YYYY[-MM[-DD[Thh'],
    ['date:2018-12-18T24:00', 'invalid date "2018-12-18T24:00"'],
    ['date:2018-12-18T10:00+24:00', 'invalid date'],
    ['date:2018-12-18T10:00:00.1234Z', 'invalid date'],
    ['date:yesterday', 'invalid date "yesterday"'],
    ['date:""', 'at position 6: invalid date ""'],
    ['date:[2018 TO tomorrow]', 'at position 15: invalid date "tomorrow"'],
    ['date:[2018 to 2019]', 'at position 12: expected TO between the bounds of a range; write TO in upper case'],
    ['date:[2018]', 'at position 11: expected TO between the bounds of a range'],
    ['date:[2018 TO 2019', 'at position 6: this range is never closed with "]" or "}"'],
    ['date:[2018 TO ]', 'at position 15: missing range bound'],
    ['user_id:[a* TO b]', 'at position 11: wildcards are not supported in a range, except * alone for an open end'],
    ['user_id:[a TO b?]', 'at position 16: wildcards are not supported in a range'],
    ['user_id:[a TO b]x', 'at position 17: unexpected "x" after a range'],
  ])('%j', (q, fragment) => {
    let thrown: unknown;
    try {
      parseLogSearchQuery(q);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RosterError);
    expect(thrown).toMatchObject({ kind: 'validation', code: 'invalid_query' });
    expect((thrown as Error).message).toContain(fragment);
  });

  it('reports the 1-based position in the details too', () => {
    expect(() => parseLogSearchQuery('type:s AND foo:x')).toThrow(
      expect.objectContaining({ details: { parameter: 'q', position: 12 } }),
    );
  });
});

describe('toSqlCondition on hand-built trees', () => {
  it('refuses what the parser would refuse', () => {
    expect(() => toSqlCondition({ kind: 'match', field: 'date', value: 'soon' }, columnOf)).toThrow(
      expect.objectContaining({ code: 'invalid_query' }),
    );
    expect(() => toSqlCondition({ kind: 'wildcard', field: 'date', parts: ['2018', ''] }, columnOf)).toThrow(
      expect.objectContaining({ code: 'invalid_query' }),
    );
  });

  it('renders empty AND / OR as constants', () => {
    expect(toSqlCondition({ kind: 'and', operands: [] }, columnOf).sql).toBe('TRUE');
    expect(toSqlCondition({ kind: 'or', operands: [] }, columnOf).sql).toBe('FALSE');
  });
});

describe('datePeriod', () => {
  it.each<[string, string, string]>([
    ['2018', '2018-01-01T00:00:00.000Z', '2019-01-01T00:00:00.000Z'],
    ['2018-12', '2018-12-01T00:00:00.000Z', '2019-01-01T00:00:00.000Z'],
    ['2020-02-29', '2020-02-29T00:00:00.000Z', '2020-03-01T00:00:00.000Z'],
    ['2018-12-31T23', '2018-12-31T23:00:00.000Z', '2019-01-01T00:00:00.000Z'],
    ['2018-12-18T10:30', '2018-12-18T10:30:00.000Z', '2018-12-18T10:31:00.000Z'],
    ['2018-12-18T10:30:15Z', '2018-12-18T10:30:15.000Z', '2018-12-18T10:30:16.000Z'],
    ['2018-12-18T10:30:15.5', '2018-12-18T10:30:15.500Z', '2018-12-18T10:30:15.600Z'],
    ['2018-12-18T10:30:15.123', '2018-12-18T10:30:15.123Z', '2018-12-18T10:30:15.124Z'],
    ['2018-12-18T10:30-05:30', '2018-12-18T16:00:00.000Z', '2018-12-18T16:01:00.000Z'],
  ])('%s is [%s, %s)', (text, start, end) => {
    expect(datePeriod(text)).toEqual({ start, end });
  });

  it.each(['2019-02-29', '2018-13', '2018-12-18T10:60', '18-12-18', '2018-12-18 10:00', '0999', '9999', '2018Z'])(
    'refuses %s',
    (text) => {
      expect(datePeriod(text)).toBeUndefined();
    },
  );
});
