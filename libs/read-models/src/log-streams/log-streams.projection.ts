import type { LogStreamFilter } from '@roster/logs';
import type { SinkType } from '@roster/log-sinks';
import type { LogStreamEvent, LogStreamSettings, LogStreamStatus } from '@roster/registry-domain';
import { changeParams, defineProjection, jsonParam, mergedDoc, positionParam, sql } from '../projection';

const VERSION = 1;
export const LOG_STREAMS_TABLE = `rm_log_streams_v${VERSION}`;

/** Auth0's log stream object as stored: the sink holds its public fields only (secrets: `sealed_secrets`). */
export interface LogStreamDocument {
  id: string;
  name: string;
  type: SinkType;
  /** As configured; the API reports `suspended` from the exporter's health record. */
  status: LogStreamStatus;
  filters: LogStreamFilter[];
  isPriority?: boolean;
  sink: Record<string, unknown>;
}

/** Event field names to Auth0's (only `is_priority` differs among the mutable ones). */
const docChanges = ({ is_priority, ...rest }: Partial<LogStreamSettings>): Partial<LogStreamDocument> => ({
  ...rest,
  ...(is_priority === undefined ? {} : { isPriority: is_priority }),
});

/**
 * Log streams, for the Management API and for the exporter (`LogStreamsReader.definitions`). `revision` is the
 * number of events of the stream (its stream revision + 1), the same count the decider keeps.
 */
export const logStreamsProjection = defineProjection<LogStreamEvent>({
  name: 'log-streams',
  version: VERSION,
  streamPrefixes: ['log-stream-'],
  tables: [
    {
      name: LOG_STREAMS_TABLE,
      ddl: [
        `CREATE TABLE IF NOT EXISTS ${LOG_STREAMS_TABLE} (
          tenant text NOT NULL,
          id text NOT NULL,
          type text NOT NULL,
          status text NOT NULL,
          revision integer NOT NULL,
          doc jsonb NOT NULL,
          sealed_secrets text NOT NULL,
          start_from timestamptz,
          created_position bigint NOT NULL,
          updated_position bigint NOT NULL,
          PRIMARY KEY (tenant, id)
        )`,
        `CREATE INDEX IF NOT EXISTS ${LOG_STREAMS_TABLE}_order ON ${LOG_STREAMS_TABLE} (tenant, created_position)`,
      ],
    },
  ],
  reducers: {
    LogStreamCreated: (e, event) => {
      const doc: LogStreamDocument = {
        id: e.id,
        name: e.name,
        type: e.type,
        status: e.status,
        filters: e.filters,
        ...(e.is_priority === undefined ? {} : { isPriority: e.is_priority }),
        sink: e.sink,
      };
      return sql(
        `INSERT INTO ${LOG_STREAMS_TABLE} (tenant, id, type, status, revision, doc, sealed_secrets, start_from,
           created_position, updated_position)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::timestamptz, $9, $9)
         ON CONFLICT (tenant, id) DO UPDATE SET type = EXCLUDED.type, status = EXCLUDED.status,
           revision = EXCLUDED.revision, doc = EXCLUDED.doc, sealed_secrets = EXCLUDED.sealed_secrets,
           start_from = EXCLUDED.start_from, created_position = EXCLUDED.created_position,
           updated_position = EXCLUDED.updated_position`,
        e.tenant,
        e.id,
        e.type,
        e.status,
        Number(event.revision) + 1,
        jsonParam(doc),
        e.sealed_secrets,
        e.start_from ?? null,
        positionParam(event.position),
      );
    },
    LogStreamChanged: (e, event) => {
      const doc = mergedDoc('doc', 3);
      return sql(
        `UPDATE ${LOG_STREAMS_TABLE} SET doc = ${doc}, status = ${doc}->>'status', revision = $5,
           sealed_secrets = COALESCE($6, sealed_secrets), updated_position = $7
         WHERE tenant = $1 AND id = $2`,
        e.tenant,
        e.id,
        ...changeParams(docChanges(e.changes)),
        Number(event.revision) + 1,
        e.sealed_secrets ?? null,
        positionParam(event.position),
      );
    },
    LogStreamResumed: (e, event) =>
      sql(
        `UPDATE ${LOG_STREAMS_TABLE} SET revision = $3, updated_position = $4 WHERE tenant = $1 AND id = $2`,
        e.tenant,
        e.id,
        Number(event.revision) + 1,
        positionParam(event.position),
      ),
    LogStreamDeleted: (e) => sql(`DELETE FROM ${LOG_STREAMS_TABLE} WHERE tenant = $1 AND id = $2`, e.tenant, e.id),
  },
});
