import { SqlEventStore } from '@roster/event-store';
import { logIdOf } from '@roster/logs';
import { PostgresDatabase } from '@roster/sql';
import { createScratchDatabase, describeWithService } from '@roster/testing';
import { EventStoreLogSource, readLogStreamCheckpoint } from './event-store-log-source';
import { appendLogEvents, draftOf, gate, recordingHandler, waitFor } from './log-export.fixtures';
import { ensureLogExportSchema } from './log-export.schema';
import type { SourceBatchHandler } from './log-source';

/**
 * The all-in-one source on the PostgreSQL event store: one tenant's log events in order, the checkpoint written only
 * after the handler resolved, a resume after it, and a redelivery from it when the handler throws.
 */
describeWithService('postgres', 'event store log source on PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let db: PostgresDatabase;
  let store: SqlEventStore;

  beforeAll(async () => {
    scratch = await createScratchDatabase('roster_log_source');
    db = new PostgresDatabase(scratch.url, { applicationName: 'log-source-test' });
    store = await SqlEventStore.create(db, { pollIntervalMs: 100 });
    await ensureLogExportSchema(db);
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    await db?.close();
    await scratch?.drop();
  });

  const sourceOf = (streamId: string, tenant: string, maxBatchEvents = 4) =>
    new EventStoreLogSource({ store, db, streamId, tenant, maxBatchEvents, retryDelayMs: 20, maxRetryDelayMs: 100 });

  /** Runs `source` with `handler` until `done` holds, then stops it and waits for `run` to resolve. */
  const runUntil = async (
    source: EventStoreLogSource,
    handler: SourceBatchHandler,
    done: () => boolean | Promise<boolean>,
    what: () => string,
  ): Promise<void> => {
    const stop = new AbortController();
    const running = source.run(handler, stop.signal);
    try {
      await waitFor(done, what);
    } finally {
      stop.abort();
      await running;
    }
  };

  it("hands over one tenant's events in order and commits only after the handler, then resumes after the checkpoint", async () => {
    const mine = await appendLogEvents(
      store,
      'es-acme',
      Array.from({ length: 10 }, (_, i) => draftOf('es-acme', i)),
    );
    await appendLogEvents(store, 'es-acme-2', [draftOf('es-acme-2', 99)]); // a tenant whose name extends ours
    await appendLogEvents(store, 'es-globex', [draftOf('es-globex', 100)]);

    const firstHeld = gate();
    const first = recordingHandler(async (_, call) => {
      if (call === 1) await firstHeld.opened;
    });
    const stop = new AbortController();
    const running = sourceOf('lst_es_1', 'es-acme').run(first.handler, stop.signal);
    await waitFor(
      () => first.batches.length === 1,
      () => 'the first batch',
    );
    // Handed over but not handled yet: nothing committed.
    expect(await readLogStreamCheckpoint(db, 'lst_es_1')).toBeUndefined();
    firstHeld.open();
    await waitFor(
      () => first.positions().length === 10,
      () => `10 events, got ${first.positions().length}`,
    );
    await waitFor(
      async () => (await readLogStreamCheckpoint(db, 'lst_es_1')) === mine[9],
      () => 'the checkpoint at the last event',
    );
    stop.abort();
    await running;

    expect(first.positions()).toEqual(mine);
    expect(first.batches.every((b) => b.events.length <= 4)).toBe(true);
    expect(first.events().map((e) => e.description)).toEqual(Array.from({ length: 10 }, (_, i) => `event ${i}`));
    expect(first.events().map((e) => e.log_id)).toEqual(mine.map(logIdOf));
    expect(first.events().every((e) => e.tenant_name === 'es-acme' && !('ingest_id' in e))).toBe(true);

    // A new run starts after the checkpoint: only what was appended since.
    const later = await appendLogEvents(store, 'es-acme', [draftOf('es-acme', 10), draftOf('es-acme', 11)]);
    const second = recordingHandler();
    await runUntil(
      sourceOf('lst_es_1', 'es-acme'),
      second.handler,
      () => second.positions().length >= 2,
      () => 'the two new events',
    );
    expect(second.positions()).toEqual(later);
  });

  it('redelivers from the last checkpoint when the handler throws', async () => {
    const positions = await appendLogEvents(
      store,
      'es-initech',
      Array.from({ length: 8 }, (_, i) => draftOf('es-initech', i)),
    );
    const handler = recordingHandler(async (_, call) => {
      if (call === 2) throw new Error('SIEM bookkeeping failed');
    });
    const errors: unknown[] = [];
    const source = new EventStoreLogSource({
      store,
      db,
      streamId: 'lst_es_2',
      tenant: 'es-initech',
      maxBatchEvents: 3,
      retryDelayMs: 20,
      onError: (error) => errors.push(error),
    });
    await runUntil(
      source,
      handler.handler,
      async () => (await readLogStreamCheckpoint(db, 'lst_es_2')) === positions[7],
      () => `the checkpoint at the last event; handed over ${handler.positions().join(',')}`,
    );
    // Batch 1 committed, batch 2 failed and came again from the event after batch 1.
    const [b1, b2, b3] = handler.batches.map((b) => b.events.map((e) => e.position));
    expect(b1).toEqual(positions.slice(0, 3));
    expect(b2[0]).toBe(positions[3]);
    expect(b3[0]).toBe(positions[3]);
    expect([...new Set(handler.positions())]).toEqual(positions);
    expect(errors).toHaveLength(1);
  });

  it('starts a stream without a checkpoint after startAfter, and stops at once when idle', async () => {
    const positions = await appendLogEvents(
      store,
      'es-umbrella',
      Array.from({ length: 4 }, (_, i) => draftOf('es-umbrella', i)),
    );
    const handler = recordingHandler();
    const source = new EventStoreLogSource({
      store,
      db,
      streamId: 'lst_es_3',
      tenant: 'es-umbrella',
      startAfter: positions[1],
    });
    const stop = new AbortController();
    const running = source.run(handler.handler, stop.signal);
    await waitFor(
      () => handler.positions().length === 2,
      () => 'two events',
    );
    expect(handler.positions()).toEqual(positions.slice(2));
    const stoppedAt = Date.now();
    stop.abort();
    await running;
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
  });
});
