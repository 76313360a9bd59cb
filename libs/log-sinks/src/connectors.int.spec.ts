import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { connect, type AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { createServer, type Server } from 'tls';
import type { LogEvent } from '@roster/logs';
import {
  HttpWebhookReceiver,
  LogglyReceiver,
  SplunkHecReceiver,
  SumoLogicReceiver,
  type AcceptedEvent,
  type ReceivedRequest,
} from '../../../test/receivers';
import type { FailedOutcome, SinkConnector } from './connector';
import { createConnector } from './create-connector';
import { deliverBatch, type DeliverOptions } from './deliver-batch';
import { logEvents } from './log-sinks.fixtures';
import type { HttpContentFormat, SinkConfig } from './sink-config';

/**
 * Each connector against its strict receiver (test/receivers) over real sockets on 127.0.0.1: the wire format the
 * receiver accepts without a violation, and the fault cases the delivery loop must survive. Backoff is shortened so
 * the file runs in seconds; Retry-After and the down/up pause are real 1 s waits.
 */

const HEC_TOKEN = '5b0c3b2e-8f0a-4d8e-9c1b-2a7d4e6f8a90';
const SUMO_CODE = 'ZaVnC4dhaV2Zv0S1yEx6Q-sumo-secret-code';
const LOGGLY_TOKEN = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const WEBHOOK_AUTH = 'Bearer webhook-secret-credential';
const WEBHOOK_KEY = 'custom-header-secret-value';

type AnyReceiver = SplunkHecReceiver | SumoLogicReceiver | LogglyReceiver | HttpWebhookReceiver;

interface Harness {
  receiver: AnyReceiver;
  config: SinkConfig;
  /** A configuration the receiver refuses, and the secret in it that must never show. */
  bad: { config: SinkConfig; secret: string; status: number };
  gzip: boolean;
  /** The LogEvent inside an accepted event. */
  logOf(accepted: AcceptedEvent): unknown;
  /** Protocol details of one data request. */
  checkRequest(request: ReceivedRequest): void;
}

type Factory = () => Promise<Harness>;

const splunk: Factory = async () => {
  const receiver = await SplunkHecReceiver.start({ tokens: [HEC_TOKEN] });
  const sink = { splunkDomain: 'http://127.0.0.1', splunkPort: new URL(receiver.url).port, splunkSecure: true };
  return {
    receiver,
    config: { type: 'splunk', sink: { ...sink, splunkToken: HEC_TOKEN } },
    bad: {
      config: { type: 'splunk', sink: { ...sink, splunkToken: 'wrong-hec-token-secret' } },
      secret: 'wrong-hec-token-secret',
      status: 403,
    },
    gzip: true,
    logOf: (a) => (a.event as { data: unknown }).data,
    checkRequest: (request) => {
      expect(request.path).toBe('/services/collector/event');
      expect(request.header('authorization')).toBe(`Splunk ${HEC_TOKEN}`);
      const envelopes = (receiver.accepted as { requestIndex: number; envelope: unknown }[]).filter(
        (a) => a.requestIndex === request.index,
      );
      for (const { envelope } of envelopes) {
        expect(envelope).toMatchObject({ host: 'acme.roster.test', source: 'roster', sourcetype: 'roster:log' });
        expect(typeof (envelope as { time: unknown }).time).toBe('number');
      }
    },
  };
};

const sumo: Factory = async () => {
  const receiver = await SumoLogicReceiver.start({ tokens: [SUMO_CODE] });
  return {
    receiver,
    config: { type: 'sumo', sink: { sumoSourceAddress: receiver.sourceUrl(SUMO_CODE) } },
    bad: {
      config: { type: 'sumo', sink: { sumoSourceAddress: receiver.sourceUrl('revoked-sumo-secret-code') } },
      secret: 'revoked-sumo-secret-code',
      status: 401,
    },
    gzip: true,
    logOf: (a) => a.event,
    checkRequest: (request) => {
      expect(request.headers).toMatchObject({
        'x-sumo-category': 'roster/acme',
        'x-sumo-name': 'roster',
        'x-sumo-host': 'acme.roster.test',
      });
    },
  };
};

const loggly: Factory = async () => {
  const receiver = await LogglyReceiver.start({ tokens: [LOGGLY_TOKEN] });
  const sink = { logglyTags: ['auth0', 'roster.test'], logglyEndpoint: receiver.url };
  return {
    receiver,
    config: { type: 'loggly', sink: { ...sink, logglyToken: LOGGLY_TOKEN } },
    bad: {
      config: { type: 'loggly', sink: { ...sink, logglyToken: 'unknown-loggly-secret' } },
      secret: 'unknown-loggly-secret',
      status: 403,
    },
    gzip: false,
    logOf: (a) => a.event,
    checkRequest: (request) => {
      expect(request.path).toBe('/bulk/[REDACTED]/tag/auth0,roster.test/');
      const accepted = receiver.accepted.filter((a) => a.requestIndex === request.index);
      for (const event of accepted as unknown as { tags: string[]; endpoint: string }[]) {
        expect(event).toMatchObject({ tags: ['auth0', 'roster.test'], endpoint: 'bulk' });
      }
    },
  };
};

const webhook =
  (format: HttpContentFormat): Factory =>
  async () => {
    const receiver = await HttpWebhookReceiver.start({
      format,
      path: '/auth0/logs',
      authorization: WEBHOOK_AUTH,
      contentType: 'application/json',
      requiredHeaders: { 'X-Api-Key': WEBHOOK_KEY },
    });
    const sink = {
      httpEndpoint: receiver.endpointUrl,
      httpContentFormat: format,
      httpCustomHeaders: [{ header: 'X-Api-Key', value: WEBHOOK_KEY }],
    };
    return {
      receiver,
      config: { type: 'http', sink: { ...sink, httpAuthorization: WEBHOOK_AUTH } },
      bad: {
        config: { type: 'http', sink: { ...sink, httpAuthorization: 'Bearer stale-webhook-secret' } },
        secret: 'stale-webhook-secret',
        status: 401,
      },
      gzip: false,
      logOf: (a) => a.event,
      checkRequest: (request) => expect(request.header('content-type')).toBe('application/json'),
    };
  };

/** Fast backoff; failures recorded for assertions. */
const options = (failures: FailedOutcome[] = [], signal = new AbortController().signal): DeliverOptions => ({
  signal,
  backoff: { baseMs: 20, capMs: 100 },
  onAttemptFailed: (outcome) => failures.push(outcome),
});

const ids = (events: readonly LogEvent[]) => events.map((e) => e.log_id);

describe.each([
  ['Splunk HEC', splunk],
  ['Sumo Logic', sumo],
  ['Loggly', loggly],
  ['HTTP webhook', webhook('JSONOBJECT')],
])('%s connector', (_name, factory) => {
  let h: Harness;
  let connector: SinkConnector;
  beforeAll(async () => {
    h = await factory();
  });
  beforeEach(() => {
    connector = createConnector(h.config, { maxBatchEvents: 10 });
  });
  afterEach(async () => {
    await connector.close();
    h.receiver.clearRecords().clearFaults();
  });
  afterAll(() => h.receiver.close());

  it('delivers a batch exactly as the receiver accepts it', async () => {
    const events = logEvents(25);
    const result = await deliverBatch(connector, events, options());
    expect(ids(result.delivered)).toEqual(ids(events));
    expect(result.deadLettered).toEqual([]);
    expect(h.receiver.violations).toEqual([]);
    expect(h.receiver.logIds()).toEqual(ids(events));
    expect(h.receiver.accepted.map((a) => h.logOf(a))).toEqual(events);
    expect(h.receiver.requests.map((r) => [r.method, r.status, r.acceptedEvents])).toEqual([
      ['POST', 200, 10],
      ['POST', 200, 10],
      ['POST', 200, 5],
    ]);
    for (const request of h.receiver.requests) {
      h.checkRequest(request);
      expect(request.headers['content-encoding']).toBe(h.gzip ? 'gzip' : undefined);
      if (h.gzip) expect(request.wireBytes).toBeLessThan(request.bodyBytes! / 2);
    }
  });

  it('retries a 503, then delivers', async () => {
    h.receiver.failNext(1);
    const failures: FailedOutcome[] = [];
    const result = await deliverBatch(connector, logEvents(3), options(failures));
    expect(result.delivered).toHaveLength(3);
    expect(failures).toEqual([expect.objectContaining({ kind: 'retry', status: 503 })]);
    expect(h.receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(h.receiver.logIds()).toEqual(ids(logEvents(3)));
  });

  it('waits at least as long as Retry-After asks on 429', async () => {
    h.receiver.rateLimit({ count: 1 }, 1);
    const failures: FailedOutcome[] = [];
    await deliverBatch(connector, logEvents(2), options(failures));
    expect(failures).toEqual([expect.objectContaining({ kind: 'retry', status: 429, retryAfterMs: 1000 })]);
    const [limited, retried] = h.receiver.requests;
    expect([limited.status, retried.status]).toEqual([429, 200]);
    expect(retried.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('retries after the connection is reset without an answer', async () => {
    h.receiver.resetNext(1);
    const failures: FailedOutcome[] = [];
    const result = await deliverBatch(connector, logEvents(4), options(failures));
    expect(result.delivered).toHaveLength(4);
    expect(h.receiver.requests.map((r) => r.outcome)).toEqual(['reset', 'answered']);
    expect(failures).toEqual([
      expect.objectContaining({ kind: 'retry', reason: expect.stringMatching(/connection (reset|closed)|ECONNRESET/) }),
    ]);
    expect(h.receiver.logIds()).toEqual(ids(logEvents(4)));
  });

  it('keeps retrying while the receiver is down and delivers once it is up again', async () => {
    await connector.send(logEvents(1)); // a pooled keep-alive connection the outage must also survive
    h.receiver.clearRecords();
    await h.receiver.down();
    const back = setTimeout(() => void h.receiver.up(), 1000);
    const failures: FailedOutcome[] = [];
    const started = Date.now();
    try {
      const result = await deliverBatch(connector, logEvents(5), options(failures));
      expect(result.delivered).toHaveLength(5);
    } finally {
      clearTimeout(back);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.some((f) => /connection refused/.test(f.reason))).toBe(true);
    expect(h.receiver.logIds()).toEqual(ids(logEvents(5)));
  });

  it('dead-letters a poison event and delivers the others of its request', async () => {
    const events = logEvents(10);
    const poison = events[6].log_id;
    h.receiver.rejectEvents((a) => a.logId === poison);
    const result = await deliverBatch(connector, events, options());
    expect(result.deadLettered).toEqual([{ event: events[6], reason: expect.stringMatching(/answered/) }]);
    const rest = events.filter((e) => e.log_id !== poison);
    expect(ids(result.delivered).sort()).toEqual(ids(rest));
    expect([...h.receiver.logIds()].sort()).toEqual(ids(rest));
    expect(h.receiver.duplicateLogIds()).toEqual([]);
  });

  it('gives up on an answer slower than the timeout with a retry', async () => {
    const impatient = createConnector(h.config, { timeoutMs: 100 });
    h.receiver.slow(400, 1);
    try {
      expect(await impatient.send(logEvents(1))).toEqual({
        kind: 'retry',
        reason: expect.stringMatching(/: no answer within 100 ms$/),
      });
    } finally {
      await impatient.close();
    }
  });

  it('answers a bad credential with a retry whose reason names no secret', async () => {
    const bad = createConnector(h.bad.config);
    try {
      const outcome = await bad.send(logEvents(2));
      expect(outcome).toMatchObject({
        kind: 'retry',
        status: h.bad.status,
        reason: expect.stringMatching(/^misconfiguration: /),
      });
      expect(JSON.stringify(outcome)).not.toContain(h.bad.secret);
      expect(h.receiver.acceptedCount).toBe(0);
    } finally {
      await bad.close();
    }
  });
});

describe('HTTP webhook content formats', () => {
  it.each(['JSONARRAY', 'JSONLINES', 'JSONOBJECT'] as const)('%s is framed as the receiver expects', async (format) => {
    const h = await webhook(format)();
    const connector = createConnector(h.config, { maxBatchBytes: 1500 });
    try {
      const events = logEvents(12);
      const result = await deliverBatch(connector, events, options());
      expect(ids(result.delivered)).toEqual(ids(events));
      expect(h.receiver.violations).toEqual([]);
      expect(h.receiver.logIds()).toEqual(ids(events));
      // Split by bytes: several requests, none over the limit plus the format's framing.
      expect(h.receiver.requests.length).toBeGreaterThan(2);
      for (const r of h.receiver.requests) expect(r.bodyBytes).toBeLessThanOrEqual(1500 + '{"logs":[]}'.length);
    } finally {
      await connector.close();
      await h.receiver.close();
    }
  });
});

describe('Splunk HEC indexer acknowledgement', () => {
  let hec: SplunkHecReceiver;
  let config: SinkConfig;
  beforeAll(async () => {
    hec = await SplunkHecReceiver.start({ tokens: [HEC_TOKEN], ack: true });
    config = {
      type: 'splunk',
      sink: {
        splunkDomain: 'http://127.0.0.1',
        splunkPort: new URL(hec.url).port,
        splunkToken: HEC_TOKEN,
        splunkSecure: true,
      },
    };
  });
  afterEach(() => hec.clearRecords().clearFaults().releaseAcks());
  afterAll(() => hec.close());

  it('sends on one channel and delivers once the ackId is indexed', async () => {
    const connector = createConnector(config, { ack: true, ackPollIntervalMs: 20, maxBatchEvents: 5 });
    try {
      const events = logEvents(8);
      const result = await deliverBatch(connector, events, options());
      expect(ids(result.delivered)).toEqual(ids(events));
      expect(hec.violations).toEqual([]);
      const paths = hec.requests.map((r) => r.path);
      expect(paths).toEqual([
        '/services/collector/event',
        '/services/collector/ack',
        '/services/collector/event',
        '/services/collector/ack',
      ]);
      const channels = new Set(hec.requests.map((r) => r.header('x-splunk-request-channel')));
      expect(channels.size).toBe(1);
      expect(hec.accepted.map((a) => a.ackId)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    } finally {
      await connector.close();
    }
  });

  it('returns a retry when the ack does not come in time, and is delivered after a resend', async () => {
    const connector = createConnector(config, { ack: true, ackPollIntervalMs: 20, ackTimeoutMs: 300 });
    try {
      hec.holdAcks();
      const outcome = await connector.send(logEvents(2));
      expect(outcome).toEqual({
        kind: 'retry',
        reason: expect.stringMatching(/did not acknowledge request 0 within 300 ms/),
      });
      expect(hec.requests.filter((r) => r.path === '/services/collector/ack').length).toBeGreaterThanOrEqual(2);
      hec.releaseAcks();
      expect(await connector.send(logEvents(2))).toEqual({ kind: 'delivered' });
    } finally {
      await connector.close();
    }
  });

  it('gives up waiting at once when the signal aborts', async () => {
    const connector = createConnector(config, { ack: true, ackPollIntervalMs: 20 });
    const controller = new AbortController();
    try {
      hec.holdAcks();
      setTimeout(() => controller.abort(), 100);
      await expect(deliverBatch(connector, logEvents(1), options([], controller.signal))).rejects.toMatchObject({
        code: 'delivery_aborted',
      });
    } finally {
      await connector.close();
    }
  });
});

describe('Splunk HEC over TLS with a self-signed certificate', () => {
  let hec: SplunkHecReceiver;
  let proxy: Server;
  let port: string;
  beforeAll(async () => {
    hec = await SplunkHecReceiver.start({ tokens: [HEC_TOKEN] });
    // A TLS terminator in front of the receiver, with a throwaway self-signed certificate.
    const dir = mkdtempSync(join(tmpdir(), 'roster-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          ...'req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1'.split(' '),
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const key = readFileSync(join(dir, 'key.pem'));
      const cert = readFileSync(join(dir, 'cert.pem'));
      const target = Number(new URL(hec.url).port);
      proxy = createServer({ key, cert }, (socket) => {
        const upstream = connect(target, '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    port = String((proxy.address() as AddressInfo).port);
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    await hec.close();
  });

  const tls = (splunkSecure: boolean): SinkConfig => ({
    type: 'splunk',
    sink: { splunkDomain: '127.0.0.1', splunkPort: port, splunkToken: HEC_TOKEN, splunkSecure },
  });

  it('skips certificate verification when splunkSecure is false', async () => {
    const connector = createConnector(tls(false));
    try {
      expect(await connector.send(logEvents(2))).toEqual({ kind: 'delivered' });
      expect(hec.logIds()).toEqual(ids(logEvents(2)));
    } finally {
      await connector.close();
    }
  });

  it('refuses the certificate when splunkSecure is true', async () => {
    const connector = createConnector(tls(true));
    try {
      expect(await connector.send(logEvents(1))).toEqual({
        kind: 'retry',
        reason: expect.stringMatching(/^Splunk HEC at https:\/\/127\.0\.0\.1:\d+: TLS certificate not accepted \(/),
      });
    } finally {
      await connector.close();
    }
  });
});
