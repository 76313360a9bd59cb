import type { LogEvent } from '@roster/logs';
import { fetchToken, managementClient } from '../support/roster-instance';
import { createClient, useAllInOne } from './support-http';

const now = () => new Date().toISOString();

interface IngestResponse {
  stored: { index: number; id: string }[];
  duplicates: { index: number; id: string }[];
  rejected: { index: number; message: string }[];
}

/** `POST logs`: reports from login services, checked one by one and stored once per id. */
describe('log ingestion', () => {
  const { roster, admin } = useAllInOne();
  let app: { client_id: string };

  beforeAll(async () => {
    app = await createClient(admin.api, { name: 'Login page', app_type: 'spa' });
  });

  const search = async (q: string): Promise<LogEvent[]> => {
    const page = await admin.api.get(`logs?per_page=100&q=${encodeURIComponent(q)}`);
    expect(page.status).toBe(200);
    return page.body as LogEvent[];
  };

  it('stores a good batch and serves it through the Logs API', async () => {
    const batch = [
      { id: 'good-1', type: 's', date: now(), client_id: app.client_id, user_id: 'auth0|alice', connection: 'db' },
      { id: 'good-2', type: 'fp', date: now(), client_id: app.client_id, user_id: 'auth0|alice', ip: '203.0.113.7' },
    ];
    const response = await admin.api.post('logs', batch);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      stored: [
        { index: 0, id: 'good-1' },
        { index: 1, id: 'good-2' },
      ],
      duplicates: [],
      rejected: [],
    });
    const found = await search('user_id:"auth0|alice"');
    expect(found.map((l) => l.type).sort()).toEqual(['fp', 's']);
    expect(found.find((l) => l.type === 's')).toMatchObject({
      client_id: app.client_id,
      connection: 'db',
      tenant_name: 'default',
    });
    expect(found[0]).not.toHaveProperty('ingest_id');
  });

  it('refuses bad items with their index and reason and still stores the good ones', async () => {
    const batch = [
      { id: 'mixed-1', type: 'ss', date: now(), user_id: 'auth0|bob' },
      { id: 'mixed-2', type: 'nope', date: now() },
      { id: 'mixed-3', type: 's', date: '2999-01-01T00:00:00Z' },
      { id: 'mixed-4', type: 's', date: now(), client_id: 'not-a-client' },
      {
        id: 'mixed-5',
        type: 's',
        date: now(),
        details: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } },
      },
      { id: 'mixed-6', type: 'slo', date: now(), user_id: 'auth0|bob' },
      'not an object',
    ];
    const response = await admin.api.post('logs', batch);
    expect(response.status).toBe(200);
    const body = response.body as IngestResponse;
    expect(body.stored.map((s) => s.index)).toEqual([0, 5]);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 6]);
    expect(body.rejected[0].message).toContain('cannot be reported');
    expect(body.rejected[1].message).toContain('future');
    expect(body.rejected[2].message).toContain('Unknown client_id');
    expect(body.rejected[3].message).toContain('nested too deeply');
    expect((await search('user_id:"auth0|bob"')).map((l) => l.type).sort()).toEqual(['slo', 'ss']);
  });

  it('answers 400 in Auth0 shape when nothing could be stored, and stores nothing', async () => {
    const response = await admin.api.post('logs', [{ id: 'all-bad', type: 'sapi', date: now() }]);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body', stored: [] });
    for (const body of [[], {}, 'text', Array.from({ length: 1001 }, () => ({ type: 's', date: now() }))]) {
      const refused = await admin.api.post('logs', body);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    }
  });

  it('is idempotent by id: a retried item is reported as a duplicate and stored once', async () => {
    const item = { id: 'once', type: 'fu', date: now(), user_name: 'carol@example.com' };
    expect((await admin.api.post('logs', [item])).body).toMatchObject({ stored: [{ index: 0, id: 'once' }] });
    const again = await admin.api.post('logs', [item, { ...item }, { ...item, id: 'twice' }]);
    expect(again.body).toEqual({
      stored: [{ index: 2, id: 'twice' }],
      duplicates: [
        { index: 0, id: 'once' },
        { index: 1, id: 'once' },
      ],
      rejected: [],
    });
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => admin.api.post('logs', [{ ...item, id: 'raced' }])),
    );
    expect(concurrent.map((r) => (r.body as IngestResponse).stored.length).reduce((a, b) => a + b)).toBe(1);
    expect((await search('user_name:"carol@example.com"')).length).toBe(3);
  });

  it('refuses a client_id of another tenant as unknown', async () => {
    const created = await admin.api.post('tenants', { name: 'other' });
    expect(created.status).toBe(201);
    const other = created.body as {
      client_id: string;
      client_secret: string;
      token_endpoint: string;
      audience: string;
    };
    const otherApi = managementClient(
      roster.tenantBase('other'),
      await fetchToken(other.token_endpoint, other.client_id, other.client_secret, other.audience),
    );
    const response = await otherApi.post('logs', [{ type: 's', date: now(), client_id: app.client_id }]);
    expect(response.status).toBe(400);
    expect((response.body as IngestResponse).rejected[0].message).toContain('Unknown client_id');
    // And the other tenant's log shows nothing of default's.
    const theirs = (await otherApi.get('logs?per_page=100')).body as LogEvent[];
    expect(theirs.every((l) => l.tenant_name === 'other')).toBe(true);
  });

  it('walks 10,000 reported events with checkpoint paging, no gap and no repeat, while more keep arriving', async () => {
    const total = 10_000;
    const writer = (async () => {
      for (let batch = 0; batch < total / 1000; batch++) {
        const items = Array.from({ length: 1000 }, (_, i) => ({
          id: `walk-${batch * 1000 + i}`,
          type: 's',
          date: now(),
          user_id: 'auth0|walker',
        }));
        const response = await admin.api.post('logs', items);
        expect((response.body as IngestResponse).stored.length).toBe(1000);
      }
    })();
    const seen = new Set<string>();
    const logIds: string[] = [];
    let route = 'logs?take=100';
    const deadline = Date.now() + 90_000;
    let writerDone = false;
    void writer.then(() => (writerDone = true));
    while (Date.now() < deadline) {
      const page = await admin.api.get(route);
      expect(page.status).toBe(200);
      for (const log of page.body as LogEvent[]) {
        logIds.push(log.log_id);
        if (log.user_id === 'auth0|walker') seen.add(log.log_id);
      }
      route = /<[^>]*\/api\/v2\/([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')![1];
      // Each read is itself logged, so the walk never runs dry: a short page after the writer is done ends it.
      if ((page.body as LogEvent[]).length < 100 && writerDone && seen.size >= total) break;
    }
    await writer;
    expect(seen.size).toBe(total);
    expect(new Set(logIds).size).toBe(logIds.length);
    expect([...logIds].sort()).toEqual(logIds);
  });
});
