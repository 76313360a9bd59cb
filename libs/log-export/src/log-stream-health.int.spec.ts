import { PostgresDatabase } from '@roster/sql';
import { createScratchDatabase, describeWithService } from '@roster/testing';
import { logEvent } from '../../log-sinks/src/log-sinks.fixtures';
import { ensureLogExportSchema } from './log-export.schema';
import {
  clearSuspension,
  openLogStreamHealth,
  readDeadLetters,
  readLogStreamHealth,
  readSuspendedRevisions,
  recordHandledBatch,
  recordHealthError,
  recordSuspension,
} from './log-stream-health';

/** The health and dead-letter records on PostgreSQL: what the log stream API reads. */
describeWithService('postgres', 'log stream health on PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let db: PostgresDatabase;
  const T0 = Date.UTC(2025, 5, 1);

  beforeAll(async () => {
    scratch = await createScratchDatabase('roster_log_health');
    db = new PostgresDatabase(scratch.url, { applicationName: 'log-health-test' });
    // Twice, as two processes starting together would.
    await Promise.all([ensureLogExportSchema(db), ensureLogExportSchema(db)]);
  }, 30_000);

  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('keeps the last 10 errors, and the failure window from the first unreachable attempt to the next success', async () => {
    const opened = await openLogStreamHealth(db, 'lst_h1', 'acme');
    expect(opened).toMatchObject({ streamId: 'lst_h1', tenant: 'acme', delivered: 0n, errors: [] });
    await recordHealthError(db, 'lst_h1', { at: T0, message: 'refused event', failing: false });
    expect((await readLogStreamHealth(db, 'lst_h1'))!.failingSince).toBeUndefined();
    for (let i = 1; i <= 12; i++) {
      await recordHealthError(db, 'lst_h1', { at: T0 + i * 1000, message: `HTTP 503 #${i}`, failing: true });
    }
    const failing = (await readLogStreamHealth(db, 'lst_h1'))!;
    expect(failing.failingSince).toEqual(new Date(T0 + 1000));
    expect(failing.errors.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `HTTP 503 #${i + 3}`));
    expect(failing.errors[9].at).toBe(new Date(T0 + 12_000).toISOString());

    const batch = { tenant: 'acme', at: T0 + 20_000, lastPosition: 40n, delivered: 3, deadLetters: [] };
    await db.transaction((tx) => recordHandledBatch(tx, 'lst_h1', { ...batch, reachedSink: true }));
    const recovered = (await readLogStreamHealth(db, 'lst_h1'))!;
    expect(recovered).toMatchObject({ delivered: 3n, lastPosition: 40n, failingSince: undefined });
    expect(recovered.lastDeliveryAt).toEqual(new Date(T0 + 20_000));
    // A batch with nothing to deliver moves the position only.
    await db.transaction((tx) =>
      recordHandledBatch(tx, 'lst_h1', { ...batch, delivered: 0, lastPosition: 45n, reachedSink: false }),
    );
    expect(await readLogStreamHealth(db, 'lst_h1')).toMatchObject({ delivered: 3n, lastPosition: 45n });
  });

  it('records a dead letter once however often its batch is redelivered', async () => {
    await openLogStreamHealth(db, 'lst_h2', 'acme');
    const poison = logEvent(7, { description: 'poison' });
    const batch = {
      tenant: 'acme',
      at: T0,
      lastPosition: 7n,
      delivered: 2,
      deadLetters: [{ event: poison, reason: 'HTTP 400: element 0 refused' }],
      reachedSink: true,
    };
    await db.transaction((tx) => recordHandledBatch(tx, 'lst_h2', batch));
    await db.transaction((tx) => recordHandledBatch(tx, 'lst_h2', { ...batch, at: T0 + 5000, deadLetters: [] }));
    await db.transaction((tx) => recordHandledBatch(tx, 'lst_h2', { ...batch, at: T0 + 9000 }));
    expect(await readDeadLetters(db, 'lst_h2')).toEqual([
      {
        streamId: 'lst_h2',
        logId: poison.log_id,
        tenant: 'acme',
        reason: 'HTTP 400: element 0 refused',
        event: poison,
        at: new Date(T0),
      },
    ]);
  });

  it('reports a suspension per revision until it is cleared', async () => {
    await openLogStreamHealth(db, 'lst_h3', 'acme');
    await recordHealthError(db, 'lst_h3', { at: T0, message: 'connection refused', failing: true });
    await recordSuspension(db, 'lst_h3', { at: T0 + 1, revision: 4, message: 'Suspended after failing' });
    expect((await readSuspendedRevisions(db)).get('lst_h3')).toBe(4);
    expect((await readLogStreamHealth(db, 'lst_h3'))!.errors.at(-1)!.message).toBe('Suspended after failing');
    await clearSuspension(db, 'lst_h3');
    expect((await readSuspendedRevisions(db)).has('lst_h3')).toBe(false);
    expect((await readLogStreamHealth(db, 'lst_h3'))!.failingSince).toBeUndefined();
  });
});
