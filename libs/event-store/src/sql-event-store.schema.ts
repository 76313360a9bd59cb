/**
 * Tables and the append function of the SQL event store (PostgreSQL and PGlite run the same statements).
 *
 * Why appends cannot skip a subscriber: every append first takes one transaction-scoped advisory lock, numbers its
 * events after the head kept in `log_head`, and holds the lock until it has committed. So appends run one at a time
 * and commit in position order: once a reader sees position N, every position below N is committed and visible.
 * A plain sequence would let a transaction holding position 7 commit after one holding 8, and a subscriber already
 * past 8 would never see 7. The price is one append at a time, kept short: the whole append is one call of
 * `append_events`, a single statement that is its own transaction (one round trip, no BEGIN/COMMIT).
 */
export interface SqlEventStoreNames {
  /** Quoted schema, e.g. `"event_store"`. */
  schema: string;
  /** NOTIFY channel woken by every append. */
  channel: string;
  /** Names the advisory lock that serializes appends (hashed to a lock key). */
  appendLock: string;
}

export const createSchemaStatements = ({ schema, channel, appendLock }: SqlEventStoreNames): string[] => [
  `CREATE SCHEMA IF NOT EXISTS ${schema}`,
  `CREATE TABLE IF NOT EXISTS ${schema}.events (
     position    bigint      PRIMARY KEY,
     stream_id   text        NOT NULL,
     revision    bigint      NOT NULL,
     event_id    uuid        NOT NULL,
     type        text        NOT NULL,
     data        jsonb       NOT NULL,
     metadata    jsonb       NOT NULL,
     recorded_at timestamptz NOT NULL,
     UNIQUE (stream_id, revision),
     UNIQUE (stream_id, event_id))`,
  `CREATE TABLE IF NOT EXISTS ${schema}.log_head (
     singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
     position  bigint  NOT NULL)`,
  `INSERT INTO ${schema}.log_head (singleton, position) VALUES (true, 0) ON CONFLICT DO NOTHING`,
  // outcome: 'appended' | 'duplicate' (every id already stored by an identical append: its result is returned)
  // | 'conflict' (last_revision = the stream's actual revision or 'no_stream'). Nothing is written unless 'appended'.
  `CREATE OR REPLACE FUNCTION ${schema}.append_events(
     p_stream text, p_expected text, p_events jsonb,
     OUT outcome text, OUT last_revision text, OUT last_position text)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     v_head     bigint;
     v_current  bigint;
     v_count    int := jsonb_array_length(p_events);
     v_stored   int;
     v_first    bigint;
     v_last     bigint;
     v_last_pos bigint;
     v_in_order boolean;
     v_now      timestamptz;
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtext('${appendLock}'));
     -- Read after the lock is granted: in READ COMMITTED this statement's snapshot includes the previous append.
     SELECT h.position INTO v_head FROM ${schema}.log_head h;
     v_now := clock_timestamp();
     SELECT max(e.revision) INTO v_current FROM ${schema}.events e WHERE e.stream_id = p_stream;

     -- An identical retry finds all its ids, consecutive and in order, where its expectation put them.
     SELECT count(*), min(e.revision), max(e.revision), max(e.position), count(DISTINCT e.revision - i.ord) = 1
       INTO v_stored, v_first, v_last, v_last_pos, v_in_order
       FROM jsonb_array_elements(p_events) WITH ORDINALITY AS i(event, ord)
       JOIN ${schema}.events e ON e.stream_id = p_stream AND e.event_id = (i.event->>'id')::uuid;
     IF v_stored > 0 THEN
       -- (CASE ... END) in parentheses: PL/pgSQL would otherwise end the IF condition at the first THEN.
       IF v_stored = v_count AND v_in_order AND (CASE p_expected
            WHEN 'any' THEN true
            WHEN 'no_stream' THEN v_first = 0
            WHEN 'stream_exists' THEN v_first > 0
            ELSE v_first = p_expected::bigint + 1 END) THEN
         outcome := 'duplicate'; last_revision := v_last::text; last_position := v_last_pos::text;
       ELSE
         outcome := 'conflict'; last_revision := coalesce(v_current::text, 'no_stream');
       END IF;
       RETURN;
     END IF;

     IF NOT coalesce(CASE p_expected
          WHEN 'any' THEN true
          WHEN 'no_stream' THEN v_current IS NULL
          WHEN 'stream_exists' THEN v_current IS NOT NULL
          ELSE v_current = p_expected::bigint END, false) THEN
       outcome := 'conflict'; last_revision := coalesce(v_current::text, 'no_stream');
       RETURN;
     END IF;

     INSERT INTO ${schema}.events (position, stream_id, revision, event_id, type, data, metadata, recorded_at)
     SELECT v_head + i.ord, p_stream, coalesce(v_current, -1) + i.ord, (i.event->>'id')::uuid, i.event->>'type',
            i.event->'data', coalesce(i.event->'metadata', '{}'::jsonb), v_now
       FROM jsonb_array_elements(p_events) WITH ORDINALITY AS i(event, ord);
     UPDATE ${schema}.log_head SET position = v_head + v_count;
     PERFORM pg_notify('${channel}', (v_head + v_count)::text);
     outcome := 'appended';
     last_revision := (coalesce(v_current, -1) + v_count)::text;
     last_position := (v_head + v_count)::text;
   END
   $fn$`,
];
