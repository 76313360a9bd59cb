import type { LogStreamDefinition } from '@roster/log-export';
import { maskSink, type SinkConfig } from '@roster/log-sinks';
import type { SqlQueryable } from '@roster/sql';
import { toBigInt, toIso } from '../projection';
import { LOG_STREAMS_TABLE, LogStreamDocument } from './log-streams.projection';
import { sinkSecretsContext, type SinkSecretsOpener } from './log-stream-secrets';

/** A stream as the Management API shows it: the document with every sink secret masked. */
export interface LogStreamView {
  doc: LogStreamDocument;
  revision: number;
  /** Global position of its LogStreamCreated event. */
  createdPosition: bigint;
}

interface Row {
  tenant: string;
  id: string;
  doc: LogStreamDocument;
  revision: number;
  sealed_secrets: string;
  start_from: unknown;
  created_position: unknown;
}

const COLUMNS = 'tenant, id, doc, revision, sealed_secrets, start_from, created_position';

/**
 * Log streams for the Management API (masked) and for the exporter (`definitions`, secrets opened). Secrets are
 * opened through `open`, so this reader holds no key.
 */
export class LogStreamsReader {
  constructor(
    private readonly db: SqlQueryable,
    private readonly open: SinkSecretsOpener,
  ) {}

  /** Oldest first, as Auth0 lists them (a bare array, no paging). */
  async list(tenant: string): Promise<LogStreamView[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM ${LOG_STREAMS_TABLE} WHERE tenant = $1 ORDER BY created_position`,
      [tenant],
    );
    return rows.map((row) => this.view(row));
  }

  async get(tenant: string, id: string): Promise<LogStreamView | null> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM ${LOG_STREAMS_TABLE} WHERE tenant = $1 AND id = $2`,
      [tenant, id],
    );
    return rows[0] ? this.view(rows[0]) : null;
  }

  /** Every stream of every tenant that is not deleted, paused ones included, with its sink secrets in clear. */
  async definitions(): Promise<LogStreamDefinition[]> {
    const { rows } = await this.db.query<Row>(`SELECT ${COLUMNS} FROM ${LOG_STREAMS_TABLE} ORDER BY created_position`);
    return rows.map((row) => {
      const startFrom = toIso(row.start_from);
      return {
        id: row.id,
        tenant: row.tenant,
        name: row.doc.name,
        status: row.doc.status,
        revision: Number(row.revision),
        filters: row.doc.filters,
        createdPosition: toBigInt(row.created_position),
        ...(startFrom === null ? {} : { startFrom }),
        ...this.sinkOf(row),
      };
    });
  }

  /** Public fields and opened secrets; trusted as the type's sink (the decider checked it before sealing). */
  private sinkOf(row: Row): SinkConfig {
    const secrets = this.open(row.sealed_secrets, sinkSecretsContext(row.tenant, row.id));
    return { type: row.doc.type, sink: { ...row.doc.sink, ...secrets } } as unknown as SinkConfig;
  }

  private view(row: Row): LogStreamView {
    const { type, sink } = this.sinkOf(row);
    return {
      doc: { ...row.doc, sink: maskSink(type, sink as never) as unknown as Record<string, unknown> },
      revision: Number(row.revision),
      createdPosition: toBigInt(row.created_position),
    };
  }
}
