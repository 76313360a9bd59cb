import { RosterError } from '@roster/errors';
import { DATE_FORMAT_HINT, datePeriod } from './date-period';

/**
 * The Logs API `q` parameter (reference/auth0-domain.md §7.3): the subset of Lucene that Auth0 documents, parsed
 * into an AST, then turned into a parameterised PostgreSQL condition.
 *
 *   query   := or
 *   or      := and ("OR" and)*
 *   and     := unary (["AND"] unary)*          adjacent terms are AND-ed
 *   unary   := "NOT" unary | "(" or ")" | field ":" value
 *   value   := "quoted" | [lo TO hi] | {lo TO hi} (brackets may be mixed) | word with * wildcards
 *
 * Values are case-sensitive and match whole field values (log fields are not tokenised). A quoted value matches
 * exactly; `\` escapes the next character anywhere.
 */

/** Auth0's searchable fields, no more (`audience`, `scope` and the rest are not searchable there either). */
export const LOG_SEARCH_FIELDS = [
  'client_id',
  'client_name',
  'connection',
  'connection_id',
  'description',
  'date',
  'hostname',
  'ip',
  'log_id',
  'organization_id',
  'user_id',
  'user_name',
  'user_agent',
  'strategy',
  'strategy_type',
  'type',
] as const;

export type LogSearchField = (typeof LOG_SEARCH_FIELDS)[number];

/**
 * Auth0 answers an over-long query with 414 without saying where the line is. 4,096 characters is roomy enough for
 * the legacy export extensions' `type:a OR type:b OR …` over every code in `LOG_TYPES`, and small enough to keep
 * parsing and the generated SQL trivial.
 */
export const MAX_LOG_QUERY_LENGTH = 4096;

/** Parentheses nested deeper than this are refused: no real query needs it, and it bounds the recursion. */
export const MAX_LOG_QUERY_NESTING = 10;

/** Auth0: wildcards other than a trailing `*` need at least this many literal characters (`*usa`, not `*sa`). */
export const MIN_WILDCARD_LITERALS = 3;

export interface RangeBound {
  value: string;
  inclusive: boolean;
}

export type LogSearchNode =
  | { kind: 'and'; operands: readonly LogSearchNode[] }
  | { kind: 'or'; operands: readonly LogSearchNode[] }
  | { kind: 'not'; operand: LogSearchNode }
  /** The whole value equals `value`; on `date`, the date falls in the period `value` names. */
  | { kind: 'match'; field: LogSearchField; value: string }
  /** The value is `parts` joined by any text, e.g. `jane*smith` = ['jane', 'smith'], `j*` = ['j', '']. */
  | { kind: 'wildcard'; field: LogSearchField; parts: readonly string[] }
  /** The field has a value (`field:*`, `field:[* TO *]`). */
  | { kind: 'exists'; field: LogSearchField }
  /** A missing bound is an open end (`*`). */
  | { kind: 'range'; field: LogSearchField; lower?: RangeBound; upper?: RangeBound };

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

const searchableFields: ReadonlySet<string> = new Set(LOG_SEARCH_FIELDS);
const isSearchField = (name: string): name is LogSearchField => searchableFields.has(name);

const invalidQuery = (message: string, position?: number): RosterError =>
  new RosterError('validation', 'invalid_query', message, {
    details: position === undefined ? { parameter: 'q' } : { parameter: 'q', position },
  });

const OPERATORS = ['AND', 'OR', 'NOT'] as const;
type Operator = (typeof OPERATORS)[number];

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
/** Ends an unquoted word (as does the end of the query). */
const endsWord = (c: string | undefined): boolean => c === undefined || isSpace(c) || c === '(' || c === ')';
/** Ends an unquoted range bound. */
const endsBound = (c: string | undefined): boolean => c === undefined || isSpace(c) || c === ']' || c === '}';

/** Lucene syntax this subset does not have. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  '?': 'the ? wildcard is not supported; use *',
  '^': 'boosting (^) is not supported',
  '~': 'fuzzy and proximity searches (~) are not supported',
};

/** Auth0's rule for wildcard patterns (`parts` as in the `wildcard` node); undefined when allowed. */
const wildcardProblem = (parts: readonly string[]): string | undefined => {
  const trailingOnly = parts.length === 2 && parts[1] === '';
  if (trailingOnly || [...parts.join('')].length >= MIN_WILDCARD_LITERALS) return undefined;
  return `wildcards other than a trailing * need at least ${MIN_WILDCARD_LITERALS} other characters (e.g. *usa, not *sa)`;
};

const invalidDate = (value: string): string =>
  `invalid date ${JSON.stringify(value)}; dates are written ${DATE_FORMAT_HINT}`;

const combine = (kind: 'and' | 'or', operands: LogSearchNode[]): LogSearchNode =>
  operands.length === 1
    ? operands[0]
    : { kind, operands: operands.flatMap((node) => (node.kind === kind ? node.operands : [node])) };

/** Recursive descent over the characters of one query; one instance per parse. */
class QueryParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parse(): LogSearchNode {
    const node = this.parseOr();
    if (this.skipSpace() < this.text.length) throw this.error(this.pos, 'unexpected ")" without a matching "("');
    return node;
  }

  private parseOr(): LogSearchNode {
    const operands = [this.parseAnd()];
    while (this.acceptOperator('OR')) operands.push(this.parseAnd('OR'));
    return combine('or', operands);
  }

  private parseAnd(after?: Operator): LogSearchNode {
    const operands = [this.parseUnary(after)];
    while (this.skipSpace() < this.text.length && this.peek() !== ')' && this.peekOperator() !== 'OR') {
      operands.push(this.parseUnary(this.acceptOperator('AND') ? 'AND' : undefined));
    }
    return combine('and', operands);
  }

  private parseUnary(after?: Operator): LogSearchNode {
    if (this.acceptOperator('NOT')) return { kind: 'not', operand: this.parseUnary('NOT') };
    const start = this.skipSpace();
    const expected = after ? `expected a search term after ${after}` : 'expected a search term';
    if (start >= this.text.length) throw this.error(start, expected);
    if (this.peek() === ')') throw this.error(start, `${expected}, found ")"`);
    const operator = this.peekOperator();
    if (operator) {
      throw this.error(start, after ? `${expected}, found ${operator}` : `${operator} needs a search term before it`);
    }
    return this.peek() === '(' ? this.parseGroup() : this.parseTerm();
  }

  private parseGroup(): LogSearchNode {
    const open = this.pos++;
    if (++this.depth > MAX_LOG_QUERY_NESTING) {
      throw this.error(open, `parentheses nest more than ${MAX_LOG_QUERY_NESTING} levels deep`);
    }
    if (this.skipSpace() < this.text.length && this.peek() === ')') throw this.error(open, 'empty parentheses');
    const inner = this.parseOr();
    if (this.skipSpace() >= this.text.length) throw this.error(open, 'this "(" is never closed');
    this.pos++; // ')': parseOr stops nowhere else
    this.depth--;
    return inner;
  }

  private parseTerm(): LogSearchNode {
    const start = this.pos;
    while (!endsWord(this.peek()) && this.peek() !== ':' && this.peek() !== '"') this.pos++;
    const name = this.text.slice(start, this.pos);
    if (this.peek() !== ':') {
      const word = this.text.slice(start, this.wordEnd(this.pos));
      const upper = word.toUpperCase();
      if (OPERATORS.some((op) => op === upper)) {
        throw this.error(start, `operators are upper case; write ${upper}, not ${word}`);
      }
      throw this.error(start, `search term ${JSON.stringify(word)} has no field; write field:value, e.g. type:s`);
    }
    if (name === '') throw this.error(start, 'missing field name before ":"');
    if (!isSearchField(name)) {
      throw this.error(
        start,
        `unknown field ${JSON.stringify(name)}; searchable fields are ${LOG_SEARCH_FIELDS.join(', ')}`,
      );
    }
    const valueStart = ++this.pos;
    const c = this.peek();
    if (c === '(') {
      throw this.error(valueStart, `grouping values as ${name}:(…) is not supported; write (${name}:a OR ${name}:b)`);
    }
    if (endsWord(c)) throw this.error(valueStart, `missing value after ${name}:`);
    if (c === '[' || c === '{') return this.parseRange(name);
    if (c !== '"') return this.parseWord(name);
    const value = this.readQuoted();
    this.expectTermEnd('quoted value');
    if (name === 'date' && !datePeriod(value)) throw this.error(valueStart, invalidDate(value));
    return { kind: 'match', field: name, value };
  }

  private parseWord(field: LogSearchField): LogSearchNode {
    const start = this.pos;
    const parts = [''];
    while (!endsWord(this.peek())) {
      const c = this.text[this.pos];
      if (c in UNSUPPORTED) throw this.error(this.pos, UNSUPPORTED[c]);
      if (c === '"') throw this.error(this.pos, 'unexpected " inside a value; quote the whole value');
      if (c === '*') {
        parts.push('');
        this.pos++;
      } else {
        parts[parts.length - 1] += this.readChar();
      }
    }
    if (parts.length === 1) {
      if (field === 'date' && !datePeriod(parts[0])) throw this.error(start, invalidDate(parts[0]));
      return { kind: 'match', field, value: parts[0] };
    }
    // `a**b` is `a*b`: only the first and the last literal may be empty.
    const pattern = parts.filter((part, i) => part !== '' || i === 0 || i === parts.length - 1);
    if (pattern.every((part) => part === '')) return { kind: 'exists', field };
    if (field === 'date') {
      throw this.error(start, 'wildcards are not supported on date; use a range such as date:[2018-12-01 TO *]');
    }
    const problem = wildcardProblem(pattern);
    if (problem) throw this.error(start, problem);
    return { kind: 'wildcard', field, parts: pattern };
  }

  private parseRange(field: LogSearchField): LogSearchNode {
    const open = this.pos;
    const lowerInclusive = this.text[this.pos++] === '[';
    this.skipSpace();
    const lower = this.readBound(field);
    const toAt = this.skipSpace();
    while (!endsBound(this.peek())) this.pos++;
    const to = this.text.slice(toAt, this.pos);
    if (to !== 'TO') {
      const hint = to.toUpperCase() === 'TO' ? '; write TO in upper case' : '';
      throw this.error(toAt, `expected TO between the bounds of a range${hint}`);
    }
    if (!isSpace(this.peek())) throw this.error(this.pos, 'expected a space after TO');
    this.skipSpace();
    const upper = this.readBound(field);
    const close = this.text[this.skipSpace()];
    if (close !== ']' && close !== '}') throw this.error(open, 'this range is never closed with "]" or "}"');
    this.pos++;
    this.expectTermEnd('range');
    if (lower === undefined && upper === undefined) return { kind: 'exists', field };
    return {
      kind: 'range',
      field,
      ...(lower === undefined ? {} : { lower: { value: lower, inclusive: lowerInclusive } }),
      ...(upper === undefined ? {} : { upper: { value: upper, inclusive: close === ']' } }),
    };
  }

  /** One end of a range, quoted or not; undefined for an open end (`*` alone). */
  private readBound(field: LogSearchField): string | undefined {
    const start = this.pos;
    let value = '';
    if (this.peek() === '"') {
      value = this.readQuoted();
      if (!endsBound(this.peek())) throw this.error(this.pos, 'expected a space, "]" or "}" after a quoted bound');
    } else {
      if (this.peek() === '*' && endsBound(this.text[this.pos + 1])) {
        this.pos++;
        return undefined;
      }
      while (!endsBound(this.peek())) {
        const c = this.peek();
        if (c === '*' || c === '?') {
          throw this.error(this.pos, 'wildcards are not supported in a range, except * alone for an open end');
        }
        value += this.readChar();
      }
      if (this.pos === start) throw this.error(start, 'missing range bound');
    }
    if (field === 'date' && !datePeriod(value)) throw this.error(start, invalidDate(value));
    return value;
  }

  /** Reads `"…"` from its opening quote; returns the unescaped content. */
  private readQuoted(): string {
    const open = this.pos++;
    let value = '';
    while (this.pos < this.text.length && this.peek() !== '"') value += this.readChar();
    if (this.pos >= this.text.length) throw this.error(open, 'this quoted value is never closed');
    this.pos++;
    return value;
  }

  /** One literal character; `\x` is `x`. */
  private readChar(): string {
    if (this.peek() === '\\') {
      if (this.pos + 1 >= this.text.length) throw this.error(this.pos, 'nothing to escape after \\');
      this.pos++;
    }
    return this.text[this.pos++];
  }

  /** After a quoted value or a range only a space, a parenthesis or the end may follow (no `"a"~2`, `"a"^2`). */
  private expectTermEnd(what: string): void {
    if (endsWord(this.peek())) return;
    const c = this.text[this.pos];
    throw this.error(this.pos, UNSUPPORTED[c] ?? `unexpected ${JSON.stringify(c)} after a ${what}`);
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  /** Skips white space; returns the new position. */
  private skipSpace(): number {
    while (isSpace(this.peek())) this.pos++;
    return this.pos;
  }

  private wordEnd(from: number): number {
    let end = from;
    while (!endsWord(this.text[end])) end++;
    return end;
  }

  /** The operator the next word is, if it is one: upper case only, as in Lucene. */
  private peekOperator(): Operator | undefined {
    const start = this.skipSpace();
    const word = this.text.slice(start, this.wordEnd(start));
    return OPERATORS.find((op) => op === word);
  }

  private acceptOperator(operator: Operator): boolean {
    if (this.peekOperator() !== operator) return false;
    this.pos += operator.length;
    return true;
  }

  /** `Invalid query at position N: <problem>`, N 1-based (also in `details.position`). */
  private error(at: number, problem: string): RosterError {
    const where = at >= this.text.length ? `at the end (position ${at + 1})` : `at position ${at + 1}`;
    return invalidQuery(`Invalid query ${where}: ${problem}`, at + 1);
  }
}

/**
 * Parses a Logs API `q`. Throws `RosterError('validation', 'invalid_query')` naming the 1-based position of the
 * problem. A blank query is refused as well: callers treat an absent or blank `q` as "no condition".
 */
export function parseLogSearchQuery(q: string): LogSearchNode {
  if (q.length > MAX_LOG_QUERY_LENGTH) {
    throw invalidQuery(`Invalid query: it is ${q.length} characters long, the limit is ${MAX_LOG_QUERY_LENGTH}`);
  }
  if (q.trim() === '') throw invalidQuery('Invalid query: it is empty');
  return new QueryParser(q).parse();
}

/** `%`, `_` and the escape character itself are literal in a search value (backslash: PostgreSQL's LIKE default). */
const escapeLike = (literal: string): string => literal.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A PostgreSQL boolean expression equivalent to `node`, with every value passed as a parameter ($firstParam, …).
 * `columnOf` names the column of each field: a timestamptz for `date`, text for the others.
 *
 * - Text compares case-sensitively; ranges on text compare by code point (`COLLATE "C"`, as Lucene compares terms)
 *   whatever the database's collation.
 * - A date stands for the period it names (see `datePeriod`): `date:2018-12` is all of December 2018,
 *   `[a TO b]` runs from the start of a to the end of b, `{a TO b}` from the end of a to the start of b.
 * - `NOT x` is `(x) IS NOT TRUE`, so that an event without the field matches `NOT field:…`, as in Lucene
 *   (plain NOT would yield NULL there, and drop the row).
 */
export function toSqlCondition(
  node: LogSearchNode,
  columnOf: (field: LogSearchField) => string,
  firstParam = 1,
): SqlCondition {
  const params: unknown[] = [];
  const param = (value: unknown, cast = ''): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}${cast}`;
  };
  const instant = (value: string) => param(value, '::timestamptz');
  const period = (value: string) => {
    const found = datePeriod(value);
    if (!found) throw invalidQuery(`Invalid query: ${invalidDate(value)}`);
    return found;
  };

  const range = (column: string, field: LogSearchField, lower?: RangeBound, upper?: RangeBound): string => {
    const conditions: string[] = [];
    if (field === 'date') {
      // An inclusive bound takes in its whole period, an exclusive one leaves it all out.
      if (lower) {
        const { start, end } = period(lower.value);
        conditions.push(`${column} >= ${instant(lower.inclusive ? start : end)}`);
      }
      if (upper) {
        const { start, end } = period(upper.value);
        conditions.push(`${column} < ${instant(upper.inclusive ? end : start)}`);
      }
    } else {
      if (lower) conditions.push(`${column} COLLATE "C" ${lower.inclusive ? '>=' : '>'} ${param(lower.value)}`);
      if (upper) conditions.push(`${column} COLLATE "C" ${upper.inclusive ? '<=' : '<'} ${param(upper.value)}`);
    }
    if (conditions.length === 0) return `${column} IS NOT NULL`;
    return conditions.length === 1 ? conditions[0] : `(${conditions.join(' AND ')})`;
  };

  const render = (n: LogSearchNode): string => {
    switch (n.kind) {
      case 'and':
      case 'or':
        if (n.operands.length === 0) return n.kind === 'and' ? 'TRUE' : 'FALSE';
        return `(${n.operands.map(render).join(n.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not': {
        const inner = render(n.operand);
        return n.operand.kind === 'and' || n.operand.kind === 'or' ? `${inner} IS NOT TRUE` : `(${inner}) IS NOT TRUE`;
      }
      case 'exists':
        return `${columnOf(n.field)} IS NOT NULL`;
      case 'match': {
        const column = columnOf(n.field);
        if (n.field !== 'date') return `${column} = ${param(n.value)}`;
        const { start, end } = period(n.value);
        return `(${column} >= ${instant(start)} AND ${column} < ${instant(end)})`;
      }
      case 'wildcard':
        if (n.field === 'date') throw invalidQuery('Invalid query: wildcards are not supported on date');
        return `${columnOf(n.field)} LIKE ${param(n.parts.map(escapeLike).join('%'))}`;
      case 'range':
        return range(columnOf(n.field), n.field, n.lower, n.upper);
      default: {
        const unknown: never = n;
        throw new RosterError('internal', 'unknown_search_node', `Unknown search node ${JSON.stringify(unknown)}`);
      }
    }
  };

  return { sql: render(node), params };
}
