import type { LogEvent } from '@roster/logs';
import type { ManagementClient } from '../support/roster-instance';
import {
  createClient,
  freshSourceAddress,
  grantApi,
  managementSession,
  tokenRequest,
  useAllInOne,
} from './support-http';

/** Every log event of the tenant, oldest first, by following the `Link: rel="next"` header of checkpoint paging. */
const allLogs = async (api: ManagementClient): Promise<LogEvent[]> => {
  const logs: LogEvent[] = [];
  let route = 'logs?take=100';
  for (;;) {
    const page = await api.get(route);
    expect(page.status).toBe(200);
    const items = page.body as LogEvent[];
    logs.push(...items);
    // Each read is itself logged, so the log never ends: a short page means we have caught up.
    if (items.length < 100) return logs;
    const link = page.headers.get('link') ?? '';
    const next = /<[^>]*\/api\/v2\/([^>]+)>; rel="next"/.exec(link)?.[1];
    if (!next) throw new Error(`no next link: ${link}`);
    route = next;
  }
};

const logReads = (log: LogEvent) => log.description === 'Get logs' || log.description === 'Get a log event';

describe('logs', () => {
  const { roster, admin } = useAllInOne();

  it('records a scripted mix of management calls and token requests, in order, with their fields', async () => {
    const before = (await allLogs(admin.api)).filter((l) => !logReads(l)).length;
    const address = freshSourceAddress();
    const base = roster.tenantBase();
    const worker = await createClient(admin.api, { name: 'Log worker', app_type: 'non_interactive' });
    await grantApi(admin.api, worker.client_id, 'https://logs.example/api', ['read:things']);
    const badCreate = await admin.api.post('clients', { name: 'x<y' });
    const missing = await admin.api.get('clients/does-not-exist');
    const good = await tokenRequest(
      `${base}/oauth/token`,
      { grant_type: 'client_credentials', audience: 'https://logs.example/api' },
      { method: 'post', clientId: worker.client_id, clientSecret: worker.client_secret! },
      address,
    );
    const wrongSecret = await tokenRequest(
      `${base}/oauth/token`,
      { grant_type: 'client_credentials', audience: 'https://logs.example/api' },
      { method: 'post', clientId: worker.client_id, clientSecret: 'not-the-secret' },
      address,
    );
    const unknownClient = await tokenRequest(
      `${base}/oauth/token`,
      { grant_type: 'client_credentials', audience: 'https://logs.example/api' },
      { method: 'basic', clientId: 'nobody', clientSecret: 'whatever' },
      address,
    );
    const noGrant = await tokenRequest(
      `${base}/oauth/token`,
      { grant_type: 'client_credentials', audience: `${base}/api/v2/` },
      { method: 'post', clientId: worker.client_id, clientSecret: worker.client_secret! },
      address,
    );
    expect([
      badCreate.status,
      missing.status,
      good.status,
      wrongSecret.status,
      unknownClient.status,
      noGrant.status,
    ]).toEqual([400, 404, 200, 401, 401, 403]);

    const logs = (await allLogs(admin.api)).filter((l) => !logReads(l)).slice(before);
    expect(logs.map((l) => [l.type, l.description])).toEqual([
      ['sapi', 'Create a client'],
      ['fapi', 'Get a resource server'],
      ['sapi', 'Create a resource server'],
      ['sapi', 'Create client grant'],
      ['fapi', 'Create a client'],
      ['fapi', 'Get a client'],
      ['seccft', expect.any(String)],
      ['feccft', 'Client authentication failed'],
      ['feccft', 'Client authentication failed'],
      ['feccft', 'Client has not been granted scopes for audience'],
    ]);
    const [created, , , , bad, notFound, seccft, wrong, unknown, denied] = logs;
    expect(created).toMatchObject({
      client_id: roster.bootstrap.client_id,
      client_name: 'Bootstrap Admin',
      ip: '127.0.0.1',
      hostname: '127.0.0.1',
      tenant_name: 'default',
      details: {
        request: { method: 'POST', path: '/tenants/default/api/v2/clients', body: { name: 'Log worker' } },
        response: { statusCode: 201, body: { client_id: worker.client_id, client_secret: 'REDACTED' } },
      },
    });
    expect(created.log_id).toMatch(/^\d{20}$/);
    expect(bad.details).toMatchObject({ response: { statusCode: 400, body: { errorCode: 'invalid_body' } } });
    expect(notFound.details).toMatchObject({ response: { statusCode: 404 } });
    expect(seccft).toMatchObject({
      client_id: worker.client_id,
      client_name: 'Log worker',
      audience: 'https://logs.example/api',
      scope: 'read:things',
      ip: address,
    });
    expect(wrong).toMatchObject({
      client_id: worker.client_id,
      details: { reason: 'wrong_secret', error: 'invalid_client' },
    });
    expect(unknown).toMatchObject({ client_id: 'nobody', details: { reason: 'unknown_client' } });
    expect(denied).toMatchObject({ details: { reason: 'no_client_grant', error: 'access_denied' } });
    const ids = logs.map((l) => l.log_id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('serves one log event by id and 404s an unknown one in Auth0 shape', async () => {
    const [latest] = (await admin.api.get('logs?per_page=1')).body as LogEvent[];
    const one = await admin.api.get(`logs/${latest.log_id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(latest);
    const missing = await admin.api.get('logs/99999999999999999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_log' });
  });

  it('searches with q, sort, paging and totals', async () => {
    const newest = await admin.api.get('logs?q=type:feccft&per_page=2&include_totals=true');
    expect(newest.status).toBe(200);
    expect(newest.body).toMatchObject({ start: 0, limit: 2, length: 2, total: 3 });
    const logs = newest.body.logs as LogEvent[];
    expect(logs.every((l) => l.type === 'feccft')).toBe(true);
    expect(logs[0].date >= logs[1].date).toBe(true);
    const oldestFirst = (await admin.api.get('logs?q=type:feccft&sort=date:1')).body as LogEvent[];
    expect(oldestFirst.map((l) => l.log_id)).toEqual([...oldestFirst.map((l) => l.log_id)].sort());
    const both = (
      await admin.api.get(`logs?q=${encodeURIComponent('(type:seccft OR type:feccft) AND client_id:nobody')}`)
    ).body as LogEvent[];
    expect(both.map((l) => l.type)).toEqual(['feccft']);
    const bad = await admin.api.get(`logs?q=${encodeURIComponent('type:(')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_query' });
    const tooFar = await admin.api.get('logs?page=10&per_page=100');
    expect(tooFar.status).toBe(400);
  });

  it('needs read:logs to read and create:logs to report', async () => {
    const app = await createClient(admin.api, { name: 'Log reader', app_type: 'non_interactive' });
    await grantApi(admin.api, app.client_id, `${roster.tenantBase()}/api/v2/`, ['read:clients']);
    const { api } = await managementSession(roster, app);
    expect((await api.get('logs')).status).toBe(403);
    expect((await api.post('logs', [{ type: 's', date: new Date().toISOString() }])).status).toBe(403);
  });
});
