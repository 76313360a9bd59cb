/**
 * Tables and the append function of the SQL event store (PostgreSQL and PGlite run the same statements).
 *
 * Why appends cannot skip a subscriber: every append first takes one transaction-scoped advisory lock, numbers its
 * events after the head kept in `log_head`, and holds the lock until it has committed. So appends run one at a time
 * and commit in position order: once a reader sees position N, every position below N is committed and visible.
 * A plain sequence would let a transaction holding position 7 commit after one holding 8, and a subscriber already
 * past 8 would never see 7. The price is one append at a time, kept short: a whole group commit is one call of
 * `append_batch`, a single statement that is its own transaction (one round trip, no BEGIN/COMMIT), which takes the
 * lock, reads and moves the head and notifies once for all its appends. (Earlier versions called `append_events` once
 * per append; a database created by them keeps it, so their processes go on working during a rolling upgrade.)
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
  // One row per append, in order (append_index from 1). outcome: 'appended' | 'duplicate' (every id already stored by
  // an identical append: its result is returned) | 'conflict' (last_revision = the stream's actual revision or
  // 'no_stream', last_position NULL). Nothing of an append is written unless 'appended'. Each append sees the ones
  // before it in the batch, exactly as if they had been made one after the other.
  `CREATE OR REPLACE FUNCTION ${schema}.append_batch(p_streams text[], p_expected text[], p_events jsonb)
   RETURNS TABLE (append_index int, outcome text, last_revision text, last_position text)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     v_start    bigint;
     v_head     bigint;
     v_now      timestamptz;
     v_stream   text;
     v_expected text;
     v_events   jsonb;
     v_current  bigint;
     v_count    int;
     v_stored   int;
     v_first    bigint;
     v_last     bigint;
     v_last_pos bigint;
     v_in_order boolean;
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtext('${appendLock}'));
     -- Read after the lock is granted: in READ COMMITTED this statement's snapshot includes the previous append.
     SELECT h.position INTO v_head FROM ${schema}.log_head h;
     v_start := v_head;
     v_now := clock_timestamp();
     FOR i IN 1 .. coalesce(array_length(p_streams, 1), 0) LOOP
       append_index := i;
       v_stream := p_streams[i];
       v_expected := p_expected[i];
       v_events := p_events -> (i - 1);
       v_count := jsonb_array_length(v_events);
       SELECT max(e.revision) INTO v_current FROM ${schema}.events e WHERE e.stream_id = v_stream;

       -- An identical retry finds all its ids, consecutive and in order, where its expectation put them.
       SELECT count(*), min(e.revision), max(e.revision), max(e.position), count(DISTINCT e.revision - x.ord) = 1
         INTO v_stored, v_first, v_last, v_last_pos, v_in_order
         FROM jsonb_array_elements(v_events) WITH ORDINALITY AS x(event, ord)
         JOIN ${schema}.events e ON e.stream_id = v_stream AND e.event_id = (x.event->>'id')::uuid;
       IF v_stored > 0 THEN
         -- (CASE ... END) in parentheses: PL/pgSQL would otherwise end the IF condition at the first THEN.
         IF v_stored = v_count AND v_in_order AND (CASE v_expected
              WHEN 'any' THEN true
              WHEN 'no_stream' THEN v_first = 0
              WHEN 'stream_exists' THEN v_first > 0
              ELSE v_first = v_expected::bigint + 1 END) THEN
           outcome := 'duplicate'; last_revision := v_last::text; last_position := v_last_pos::text;
         ELSE
           outcome := 'conflict'; last_revision := coalesce(v_current::text, 'no_stream'); last_position := NULL;
         END IF;
       ELSIF NOT coalesce(CASE v_expected
            WHEN 'any' THEN true
            WHEN 'no_stream' THEN v_current IS NULL
            WHEN 'stream_exists' THEN v_current IS NOT NULL
            ELSE v_current = v_expected::bigint END, false) THEN
         outcome := 'conflict'; last_revision := coalesce(v_current::text, 'no_stream'); last_position := NULL;
       ELSE
         INSERT INTO ${schema}.events (position, stream_id, revision, event_id, type, data, metadata, recorded_at)
         SELECT v_head + x.ord, v_stream, coalesce(v_current, -1) + x.ord, (x.event->>'id')::uuid, x.event->>'type',
                x.event->'data', coalesce(x.event->'metadata', '{}'::jsonb), v_now
           FROM jsonb_array_elements(v_events) WITH ORDINALITY AS x(event, ord);
         v_head := v_head + v_count;
         outcome := 'appended';
         last_revision := (coalesce(v_current, -1) + v_count)::text;
         last_position := v_head::text;
       END IF;
       RETURN NEXT;
     END LOOP;
     IF v_head > v_start THEN
       UPDATE ${schema}.log_head SET position = v_head;
       PERFORM pg_notify('${channel}', v_head::text);
     END IF;
   END
   $fn$`,
];
