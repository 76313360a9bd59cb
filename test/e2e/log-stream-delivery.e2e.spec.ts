import { categoryOf, type LogEvent } from '@roster/logs';
import { HttpWebhookReceiver, LogglyReceiver, SplunkHecReceiver, SumoLogicReceiver } from '../receivers';
import type { AcceptedEvent } from '../receivers';
import { freshSourceAddress, tokenRequest, useAllInOne } from './support-http';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => new Date().toISOString();

/** Waits until `receiver` holds every one of `logIds` (duplicates allowed: at-least-once). */
const waitForLogIds = async (
  receiver: { logIds(): string[]; summary(): string },
  logIds: readonly string[],
  timeoutMs = 60_000,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const have = new Set(receiver.logIds());
    const missing = logIds.filter((id) => !have.has(id));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${missing.length} of ${logIds.length} never arrived\n${receiver.summary()}`);
    await sleep(200);
  }
};

/**
 * All-in-one: log streams fed from the event store's own log, one checkpoint per stream, to strict receivers that
 * speak each SIEM's protocol.
 */
describe('log streams deliver to their SIEMs (all-in-one)', () => {
  const { roster, admin } = useAllInOne();
  let splunk: SplunkHecReceiver;
  let sumo: SumoLogicReceiver;
  let loggly: LogglyReceiver;
  let webhook: HttpWebhookReceiver;
  const streams: Record<string, string> = {};

  beforeAll(async () => {
    [splunk, sumo, loggly, webhook] = await Promise.all([
      SplunkHecReceiver.start({ tokens: ['hec-token-0123456789'] }),
      SumoLogicReceiver.start({ tokens: ['sumo-source-0123456789'] }),
      LogglyReceiver.start({ tokens: ['loggly-customer-token-0123'] }),
      HttpWebhookReceiver.start({ format: 'JSONARRAY', authorization: 'Bearer webhook-secret-0123456789' }),
    ]);
    const create = async (key: string, body: Record<string, unknown>) => {
      const created = await admin.api.post('log-streams', body);
      if (created.status !== 201) throw new Error(`${key}: ${created.status} ${JSON.stringify(created.body)}`);
      streams[key] = created.body.id;
    };
    const hec = new URL(splunk.url);
    await create('splunk', {
      name: 'Splunk, everything',
      type: 'splunk',
      sink: {
        splunkDomain: `http://${hec.hostname}`,
        splunkPort: hec.port,
        splunkToken: 'hec-token-0123456789',
        splunkSecure: false,
      },
    });
    await create('sumo', {
      name: 'Sumo, failed token exchanges',
      type: 'sumo',
      filters: [{ type: 'category', name: 'auth.token_exchange.fail' }],
      sink: { sumoSourceAddress: sumo.sourceUrl('sumo-source-0123456789') },
    });
    await create('loggly', {
      name: 'Loggly, logins',
      type: 'loggly',
      filters: [
        { type: 'category', name: 'auth.login.success' },
        { type: 'category', name: 'auth.login.fail' },
      ],
      sink: { logglyToken: 'loggly-customer-token-0123', logglyTags: ['roster'], logglyEndpoint: loggly.url },
    });
    await create('webhook', {
      name: 'Webhook, everything',
      type: 'http',
      sink: {
        httpEndpoint: webhook.endpointUrl,
        httpContentFormat: 'JSONARRAY',
        httpAuthorization: 'Bearer webhook-secret-0123456789',
      },
    });
  });
  afterAll(() => Promise.all([splunk, sumo, loggly, webhook].map((r) => r?.close())));

  /** The tenant's log after `afterLogId`, oldest first. */
  const logsAfter = async (afterLogId: string): Promise<LogEvent[]> => {
    const logs: LogEvent[] = [];
    let from = afterLogId;
    for (;;) {
      const page = (await admin.api.get(`logs?from=${from}&take=100`)).body as LogEvent[];
      logs.push(...page);
      if (page.length < 100) return logs;
      from = page[page.length - 1].log_id;
    }
  };

  it('delivers each workload event to every stream whose filter matches it, and nothing else', async () => {
    const [marker] = (await admin.api.get('logs?per_page=1')).body as LogEvent[];
    const base = roster.tenantBase();
    const address = freshSourceAddress();
    await admin.api.post('clients', { name: 'Streamed app', app_type: 'non_interactive' });
    await admin.api.post('clients', { name: 'bad<name' });
    for (let i = 0; i < 3; i++) {
      await tokenRequest(
        `${base}/oauth/token`,
        { grant_type: 'client_credentials', audience: 'https://nope' },
        { method: 'post', clientId: `nobody-${i}`, clientSecret: 'x' },
        address,
      );
    }
    const reported = await admin.api.post('logs', [
      { id: 'd-1', type: 's', date: now(), user_id: 'auth0|dora' },
      { id: 'd-2', type: 'fp', date: now(), user_id: 'auth0|dora' },
      { id: 'd-3', type: 'ss', date: now(), user_id: 'auth0|dora' },
    ]);
    expect(reported.body.stored).toHaveLength(3);
    const workload = (await logsAfter(marker.log_id)).filter((l) => l.description !== 'Get logs');
    expect(workload.length).toBeGreaterThanOrEqual(8);
    const ids = (categories?: string[]) =>
      workload.filter((l) => !categories || categories.includes(categoryOf(l.type))).map((l) => l.log_id);

    await waitForLogIds(splunk, ids());
    await waitForLogIds(webhook, ids());
    await waitForLogIds(sumo, ids(['auth.token_exchange.fail']));
    await waitForLogIds(loggly, ids(['auth.login.success', 'auth.login.fail']));
    expect(ids(['auth.token_exchange.fail'])).toHaveLength(3);
    expect(ids(['auth.login.success', 'auth.login.fail'])).toHaveLength(2);

    // Filters hold for everything a receiver ever got.
    const categoriesOf = (r: { accepted: readonly AcceptedEvent[] }) =>
      new Set(r.accepted.map((a) => categoryOf((a.event as LogEvent).type)));
    expect([...categoriesOf(sumo)]).toEqual(['auth.token_exchange.fail']);
    expect([...categoriesOf(loggly)].sort()).toEqual(['auth.login.fail', 'auth.login.success']);
    // Each protocol was spoken as the service expects it.
    for (const receiver of [splunk, sumo, loggly, webhook]) expect(receiver.violations).toEqual([]);
    // Splunk gets Auth0's envelope: the log event under `data`, with its log_id.
    expect((splunk.accepted[0].event as { data: LogEvent }).data.log_id).toBe(splunk.accepted[0].logId);
  });

  it('reports health and never returns a sink secret', async () => {
    const one = await admin.api.get(`log-streams/${streams.splunk}`);
    expect(one.status).toBe(200);
    expect(one.body.health.delivered).toBeGreaterThan(0);
    expect(one.body.health.last_delivery).toEqual(expect.any(String));
    const all = JSON.stringify((await admin.api.get('log-streams')).body);
    for (const secret of [
      'hec-token-0123456789',
      'sumo-source-0123456789',
      'loggly-customer-token-0123',
      'webhook-secret-0123456789',
    ])
      expect(all).not.toContain(secret);
  });

  it('a paused stream gets nothing, and everything it missed once resumed', async () => {
    expect((await admin.api.patch(`log-streams/${streams.loggly}`, { status: 'paused' })).status).toBe(200);
    await sleep(2500); // the exporter sees the change within a second and stops the worker
    const before = loggly.logIds().length;
    const reported = await admin.api.post('logs', [
      { id: 'p-1', type: 's', date: now(), user_id: 'auth0|paused' },
      { id: 'p-2', type: 'f', date: now(), user_id: 'auth0|paused' },
    ]);
    expect(reported.body.stored).toHaveLength(2);
    const missed = (
      (await admin.api.get(`logs?q=${encodeURIComponent('user_id:"auth0|paused"')}`)).body as LogEvent[]
    ).map((l) => l.log_id);
    await waitForLogIds(splunk, missed); // the others keep flowing
    await sleep(1000);
    expect(loggly.logIds().length).toBe(before);
    expect((await admin.api.patch(`log-streams/${streams.loggly}`, { status: 'active' })).status).toBe(200);
    await waitForLogIds(loggly, missed);
  });

  it('dead-letters a poison event the SIEM rejects, and delivers the rest', async () => {
    webhook.rejectEvents((a) => (a.event as { user_id?: string }).user_id === 'auth0|poison');
    const reported = await admin.api.post('logs', [
      { id: 'x-1', type: 's', date: now(), user_id: 'auth0|before' },
      { id: 'x-2', type: 's', date: now(), user_id: 'auth0|poison' },
      { id: 'x-3', type: 's', date: now(), user_id: 'auth0|after' },
    ]);
    expect(reported.body.stored).toHaveLength(3);
    const logs = (
      await admin.api.get(
        `logs?q=${encodeURIComponent('user_id:"auth0|before" OR user_id:"auth0|poison" OR user_id:"auth0|after"')}&sort=date:1`,
      )
    ).body as LogEvent[];
    const poison = logs.find((l) => l.user_id === 'auth0|poison')!;
    await waitForLogIds(
      webhook,
      logs.filter((l) => l !== poison).map((l) => l.log_id),
    );
    expect(webhook.logIds()).not.toContain(poison.log_id);
    const deadline = Date.now() + 30_000;
    let letters: { log_id: string; reason: string }[] = [];
    while (Date.now() < deadline) {
      letters = (await admin.api.get(`log-streams/${streams.webhook}/dead-letters`)).body;
      if (letters.some((l) => l.log_id === poison.log_id)) break;
      await sleep(200);
    }
    expect(letters).toEqual(
      expect.arrayContaining([expect.objectContaining({ log_id: poison.log_id, reason: expect.any(String) })]),
    );
    expect(JSON.stringify(letters)).not.toContain('webhook-secret-0123456789');
  });
});
