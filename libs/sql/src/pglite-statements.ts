import { parse, protocol, type PGlite } from '@electric-sql/pglite';

/**
 * Named prepared statements for PGlite. `PGlite.query` parses and plans every statement anew and crosses into WASM
 * six times per query (parse, describe, bind, describe, execute, sync); here a statement is parsed once per text and
 * each later run is one crossing (bind, describe, execute, sync). Parameters are serialised and rows parsed by
 * PGlite's own serializers and parsers, keyed by the types the server described, exactly as `PGlite.query` does.
 *
 * The caller holds PGlite's query lock (`runExclusive`) around `run`.
 */

const { serialize } = protocol;

/** Statements kept prepared at most; the least recently used is closed beyond that (dynamic SQL texts vary). */
export const MAX_PREPARED_STATEMENTS = 256;

/** PostgreSQL "cached plan must not change result type": a table changed shape under a prepared statement. */
const FEATURE_NOT_SUPPORTED = '0A000';

/** Statements that may change a table's shape: every prepared statement is closed after one. */
const SCHEMA_CHANGE = /^\s*(CREATE|ALTER|DROP)\b/i;

interface Prepared {
  name: string;
  paramTypes: readonly number[];
}

export class PgliteStatements {
  /** By SQL text, in least-recently-used order (a Map iterates in insertion order). */
  private readonly prepared = new Map<string, Prepared>();
  private nextId = 0;

  constructor(private readonly db: PGlite) {}

  async run<Row>(text: string, params: readonly unknown[]): Promise<Row[]> {
    const statement = await this.statementOf(text);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = this.db.serializers[statement.paramTypes[i]];
      return serializer ? serializer(value) : String(value);
    });
    let messages;
    try {
      messages = await this.db.execProtocolStream(
        Buffer.concat([
          serialize.bind({ statement: statement.name, values }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
        { syncToFs: false },
      );
    } catch (error) {
      // A table changed shape by other means (not through `run`): prepared again on the next run.
      if ((error as { code?: string }).code === FEATURE_NOT_SUPPORTED) await this.close([text]);
      throw error;
    }
    // Statements prepared before see the new shapes only once prepared again.
    if (SCHEMA_CHANGE.test(text)) await this.close([...this.prepared.keys()]);
    const [result] = parse.parseResults(messages, this.db.parsers);
    return (result?.rows ?? []) as Row[];
  }

  private async statementOf(text: string): Promise<Prepared> {
    const known = this.prepared.get(text);
    if (known) {
      this.prepared.delete(text);
      this.prepared.set(text, known);
      return known;
    }
    if (this.prepared.size >= MAX_PREPARED_STATEMENTS) await this.close([this.prepared.keys().next().value!]);
    const name = `roster_${++this.nextId}`;
    const messages = await this.db.execProtocolStream(
      Buffer.concat([
        serialize.parse({ name, text, types: [] }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const description = messages.find((m) => m.name === 'parameterDescription') as
      { dataTypeIDs: number[] } | undefined;
    const statement = { name, paramTypes: description?.dataTypeIDs ?? [] };
    this.prepared.set(text, statement);
    return statement;
  }

  private async close(texts: readonly string[]): Promise<void> {
    const names = texts.flatMap((text) => {
      const statement = this.prepared.get(text);
      this.prepared.delete(text);
      return statement ? [statement.name] : [];
    });
    if (names.length === 0) return;
    const closes = names.map((name) => serialize.close({ type: 'S', name }));
    await this.db.execProtocolStream(Buffer.concat([...closes, serialize.sync()]), { syncToFs: false });
  }
}
