import { SqlEventStore } from '@roster/event-store';
import { logIdOf } from '@roster/logs';
import { PostgresDatabase } from '@roster/sql';
import { createScratchDatabase, describeWithService } from '@roster/testing';
import { HttpWebhookReceiver } from '../../../test/receivers';
import { EventStoreLogSource, readLogStreamCheckpoint } from './event-store-log-source';
import { appendLogEvents, draftOf, waitFor, webhookStream } from './log-export.fixtures';
import { ensureLogExportSchema } from './log-export.schema';
import { LogExporter, type LogExporterOptions } from './log-exporter';
import type { LogStreamDefinition } from './log-stream-definition';
import { readDeadLetters, readLogStreamHealth } from './log-stream-health';
import { startPositionOf } from './stream-scope';

/**
 * The exporter in all-in-one mode on PostgreSQL (event store, health, dead letters and checkpoints in one database),
 * delivering to the strict webhook receiver over real sockets: filters, a SIEM outage, a poison event, pause and
 * resume, suspension and resume. Retry backoff and polling are shortened so the file runs in seconds.
 */
describeWithService('postgres', 'log exporter on PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let db: PostgresDatabase;
  let store: SqlEventStore;
  let receiver: HttpWebhookReceiver;
  const exporters: LogExporter[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase('roster_log_exporter');
    db = new PostgresDatabase(scratch.url, { applicationName: 'log-exporter-test' });
    store = await SqlEventStore.create(db, { pollIntervalMs: 100 });
    await ensureLogExportSchema(db);
  }, 30_000);

  beforeEach(async () => {
    receiver = await HttpWebhookReceiver.start({ format: 'JSONLINES', path: '/hook', contentType: 'application/json' });
  });

  afterEach(async () => {
    for (const exporter of exporters.splice(0)) await exporter.stop();
    await receiver.close();
  });

  afterAll(async () => {
    await store?.close();
    await db?.close();
    await scratch?.drop();
  });

  /** A started exporter over `streams` (change the array to change the definitions). */
  const startExporter = async (
    streams: LogStreamDefinition[],
    options: Partial<LogExporterOptions> = {},
  ): Promise<LogExporter> => {
    const exporter = new LogExporter({
      definitions: async () => streams.map((s) => ({ ...s })),
      sourceFor: (definition) =>
        new EventStoreLogSource({
          store,
          db,
          streamId: definition.id,
          tenant: definition.tenant,
          startAfter: startPositionOf(definition),
          retryDelayMs: 50,
        }),
      db,
      pollIntervalMs: 100,
      backoff: { baseMs: 20, capMs: 200 },
      connectorOptions: { timeoutMs: 2_000 },
      restartDelayMs: 100,
      ...options,
    });
    exporters.push(exporter);
    await exporter.start();
    return exporter;
  };

  const streamOf = (tenant: string, overrides: Partial<LogStreamDefinition> = {}) =>
    webhookStream(tenant, `${receiver.url}/hook`, overrides);

  const append = (tenant: string, from: number, count: number, type = 'sapi') =>
    appendLogEvents(
      store,
      tenant,
      Array.from({ length: count }, (_, i) => draftOf(tenant, from + i, { type })),
    );

  const accepted = (): string[] => receiver.logIds();

  it('delivers the events in its filters after its creation, through a SIEM outage, and records its health', async () => {
    await append('x-acme', 0, 2, 'f'); // before the stream existed
    const createdPosition = await store.headPosition();
    const stream = streamOf('x-acme', {
      createdPosition,
      filters: [{ type: 'category', name: 'auth.login.fail' }],
    });
    receiver.failFor(1_000); // 503 for a second
    const wanted: bigint[] = [];
    let last = 0n;
    for (let n = 1; n <= 4; n++) {
      wanted.push(...(await append('x-acme', 10 * n, 2, 'f')));
      [last] = await append('x-acme', 10 * n + 5, 1, 's'); // auth.login.success: outside the filter
      await append('x-globex', 10 * n, 1, 'f'); // another tenant
    }
    const exporter = await startExporter([stream]);
    expect([...exporter.runningStreams()]).toEqual([[stream.id, 1]]);

    await waitFor(
      () => accepted().length >= wanted.length,
      () => `${wanted.length} events, got ${accepted().length}. ${receiver.summary()}`,
    );
    expect(accepted()).toEqual(wanted.map(logIdOf));
    expect(receiver.violations).toEqual([]);
    expect(receiver.requests.some((r) => r.status === 503)).toBe(true);

    // The last event of the tenant is outside the filter: handled all the same.
    await waitFor(
      async () => (await readLogStreamHealth(db, stream.id))?.lastPosition === last,
      () => 'the last event handled',
    );
    const health = (await readLogStreamHealth(db, stream.id))!;
    expect(health).toMatchObject({ tenant: 'x-acme', delivered: BigInt(wanted.length), failingSince: undefined });
    expect(health.lastDeliveryAt).toBeInstanceOf(Date);
    expect(health.errors.length).toBeGreaterThan(0);
    expect(health.errors.length).toBeLessThanOrEqual(10);
    expect(health.errors[0].message).toMatch(/503/);
  });

  it('dead-letters a poison event while the rest flows on', async () => {
    const stream = streamOf('x-initech', { createdPosition: await store.headPosition() });
    const positions = await append('x-initech', 0, 9);
    const poison = logIdOf(positions[4]);
    receiver.rejectEvents((event) => event.logId === poison);
    await startExporter([stream]);

    const rest = positions.map(logIdOf).filter((id) => id !== poison);
    await waitFor(
      () => accepted().length >= rest.length,
      () => `${rest.length} events, got ${accepted().length}. ${receiver.summary()}`,
    );
    await waitFor(
      async () => (await readLogStreamHealth(db, stream.id))?.lastPosition === positions[8],
      () => 'the batch recorded',
    );
    expect(accepted()).toEqual(rest);
    const letters = await readDeadLetters(db, stream.id);
    expect(letters).toEqual([
      expect.objectContaining({ logId: poison, tenant: 'x-initech', reason: expect.stringMatching(/400/) }),
    ]);
    expect(letters[0].event).toMatchObject({ log_id: poison, description: 'event 4' });
    expect((await readLogStreamHealth(db, stream.id))!.delivered).toBe(8n);
  });

  it('delivers nothing to a paused stream, then everything it missed on resume', async () => {
    const streams = [streamOf('x-hooli', { createdPosition: await store.headPosition() })];
    const first = await append('x-hooli', 0, 3);
    const exporter = await startExporter(streams);
    await waitFor(
      () => accepted().length >= 3,
      () => `3 events, got ${accepted().length}`,
    );

    streams[0] = { ...streams[0], status: 'paused', revision: 2 };
    await waitFor(
      () => exporter.runningStreams().size === 0,
      () => 'the worker of the paused stream to stop',
    );
    const missed = await append('x-hooli', 3, 4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(accepted()).toEqual(first.map(logIdOf));

    streams[0] = { ...streams[0], status: 'active', revision: 3 };
    await waitFor(
      () => accepted().length >= 7,
      () => `7 events, got ${accepted().length}`,
    );
    expect(accepted()).toEqual([...first, ...missed].map(logIdOf));
    expect(exporter.runningStreams().get(streams[0].id)).toBe(3);
  });

  it('suspends a stream failing longer than suspendAfterMs, which continues from its position on resume', async () => {
    const streams = [streamOf('x-umbrella', { createdPosition: await store.headPosition() })];
    const first = await append('x-umbrella', 0, 2);
    const exporter = await startExporter(streams, { suspendAfterMs: 800 });
    await waitFor(
      () => accepted().length >= 2,
      () => `2 events, got ${accepted().length}`,
    );
    // The receiver answers before the source commits: wait for the commit of what was delivered.
    await waitFor(
      async () => (await readLogStreamCheckpoint(db, streams[0].id)) === first[first.length - 1],
      () => 'the checkpoint of the delivered events',
    );
    const checkpoint = await readLogStreamCheckpoint(db, streams[0].id);

    receiver.failFor(60_000);
    const during = await append('x-umbrella', 2, 3);
    await waitFor(
      async () => (await readLogStreamHealth(db, streams[0].id))?.suspendedRevision === 1,
      () => 'the suspension',
    );
    await waitFor(
      () => exporter.runningStreams().size === 0,
      () => 'the worker to stop',
    );
    const health = (await readLogStreamHealth(db, streams[0].id))!;
    expect(health.failingSince).toBeInstanceOf(Date);
    expect(health.errors.at(-1)!.message).toMatch(/^Suspended after failing/);
    // Its position stayed where it was: the undelivered events were not skipped.
    expect(await readLogStreamCheckpoint(db, streams[0].id)).toBe(checkpoint);

    // Still suspended at revision 1: the polls do not start it again, even with the SIEM back.
    receiver.clearFaults();
    const after = await append('x-umbrella', 5, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(exporter.runningStreams().size).toBe(0);
    expect(accepted()).toEqual(first.map(logIdOf));

    streams[0] = { ...streams[0], revision: 2 }; // resume
    await waitFor(
      () => accepted().length >= 7,
      () => `7 events, got ${accepted().length}. ${receiver.summary()}`,
    );
    expect(accepted()).toEqual([...first, ...during, ...after].map(logIdOf));
    await waitFor(
      async () => (await readLogStreamHealth(db, streams[0].id))?.failingSince === undefined,
      () => 'the failure window cleared',
    );
    expect((await readLogStreamHealth(db, streams[0].id))!.suspendedRevision).toBeUndefined();
  });

  it('stops gracefully while a SIEM is down: the batch in flight stays uncommitted and comes again', async () => {
    const stream = streamOf('x-stark', { createdPosition: await store.headPosition() });
    receiver.failFor(60_000);
    const positions = await append('x-stark', 0, 3);
    const exporter = await startExporter([stream]);
    await waitFor(
      () => receiver.requests.length >= 2,
      () => 'a few failed attempts',
    );
    const stoppedAt = Date.now();
    await exporter.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    expect(await readLogStreamCheckpoint(db, stream.id)).toBeUndefined();

    receiver.clearFaults();
    await startExporter([stream]);
    await waitFor(
      () => accepted().length >= 3,
      () => `3 events, got ${accepted().length}`,
    );
    expect(accepted()).toEqual(positions.map(logIdOf));
  });

  it('shows a stream whose sink configuration is broken in its health, and retries it', async () => {
    const stream = { ...streamOf('x-wayne'), sink: { httpEndpoint: 'ftp://nowhere', httpContentFormat: 'JSONLINES' } };
    const errors: unknown[] = [];
    await startExporter([stream as LogStreamDefinition], { onError: (error) => errors.push(error) });
    await waitFor(
      () => errors.length >= 2,
      () => 'two failed starts',
    );
    const health = (await readLogStreamHealth(db, stream.id))!;
    expect(health.errors.at(-1)!.message).toMatch(/httpEndpoint/);
  });
});
