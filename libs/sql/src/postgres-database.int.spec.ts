import { Client } from 'pg';
import { createScratchDatabase, describeWithService, serviceUrl } from '@roster/testing';
import { PostgresDatabase } from './postgres-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A database that drops its connections (restart, failover, pg_terminate_backend) must not take the process down,
 * and LISTEN must come back by itself: before, `pg` emitted an unhandled `error` on the LISTEN client and the process
 * died (an uncaught exception would fail this suite).
 */
describeWithService('postgres', 'PostgresDatabase when the server drops its connections', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let admin: Client;
  let db: PostgresDatabase;
  const dbName = () => new URL(scratch.url).pathname.slice(1);
  const terminateAll = () =>
    admin.query('SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1', [dbName()]);

  beforeAll(async () => {
    scratch = await createScratchDatabase('roster_sql');
    admin = new Client({ connectionString: serviceUrl('postgres') });
    await admin.connect();
  });
  beforeEach(() => {
    db = new PostgresDatabase(scratch.url, { max: 4 });
  });
  afterEach(async () => {
    await db.close();
  });
  afterAll(async () => {
    await admin?.end();
    await scratch?.drop();
  });

  it('listens again after its LISTEN connection was terminated', async () => {
    const received: string[] = [];
    await db.listen('roster_test_channel', (payload) => received.push(payload));
    await db.query(`SELECT pg_notify('roster_test_channel', 'before')`);
    while (!received.includes('before')) await sleep(20);

    await terminateAll();
    // NOTIFYs sent while no one listens are lost (listeners poll too): keep sending until one arrives.
    const deadline = Date.now() + 15_000;
    for (let i = 0; !received.some((p) => p.startsWith('after-')) && Date.now() < deadline; i++) {
      await db.query(`SELECT pg_notify('roster_test_channel', $1)`, [`after-${i}`]).catch(() => undefined);
      await sleep(100);
    }
    expect(received.some((p) => p.startsWith('after-'))).toBe(true);
  });

  it('fails the transaction whose connection was terminated, and serves the next one', async () => {
    const work = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      // Between two statements: `pg` reports the loss as an `error` event on the client, not as a failed query.
      await sleep(200);
      await tx.query('SELECT 2');
    });
    await expect(work).rejects.toThrow();
    await expect(db.query<{ n: number }>('SELECT 3 AS n')).resolves.toEqual({ rows: [{ n: 3 }] });
  });
});
