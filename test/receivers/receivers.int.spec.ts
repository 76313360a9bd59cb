import { connect } from 'net';
import { inspect } from 'util';
import { deflateSync, gzipSync } from 'zlib';
import { HttpWebhookReceiver, LogglyReceiver, SplunkHecReceiver, SumoLogicReceiver } from './index';

/**
 * Each receiver's strictness, driven with raw fetch requests: what it accepts, what it refuses and how, and that the
 * injected faults behave as advertised. Real sockets on 127.0.0.1, nothing else.
 */

const TOKEN = '11111111-2222-3333-4444-555555555555';
const CHANNEL = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const SPLUNK = { authorization: `Splunk ${TOKEN}` };

const log = (id: string): Record<string, unknown> => ({ log_id: id, date: '2025-01-01T00:00:00.000Z', type: 'sapi' });
const envelope = (id: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ event: log(id), time: '1735689600.123', sourcetype: 'auth0', ...extra });

interface Response {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

const post = async (url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> => {
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
};

/** The network error code behind a failed fetch (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET...). */
const networkError = async (request: Promise<unknown>): Promise<string> => {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  // Not toBeInstanceOf: fetch's TypeError comes from node's realm, not jest's sandbox.
  expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  return String((error as { cause?: { code?: string } }).cause?.code);
};

/** The error code of a fresh TCP connection to the receiver, or 'connected'. */
const connectError = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(String(e.code)));
  });

describe('SplunkHecReceiver', () => {
  let hec: SplunkHecReceiver;
  beforeAll(async () => {
    hec = await SplunkHecReceiver.start({ tokens: [TOKEN], disabledTokens: ['disabled'], indexes: ['auth0'] });
  });
  afterEach(() => hec.clearRecords().clearFaults());
  afterAll(() => hec.close());

  it('accepts concatenated envelopes, plain or gzip, on /event and /event/1.0', async () => {
    const body = `${envelope('L1')}${envelope('L2', { time: 1735689600.5 })}\n  ${envelope('L3', { index: 'auth0' })}`;
    expect(await post(hec.eventUrl, body, SPLUNK)).toMatchObject({ status: 200, json: { text: 'Success', code: 0 } });
    const gzipped = await post(`${hec.url}/services/collector/event/1.0`, gzipSync(envelope('L4')), {
      ...SPLUNK,
      'content-encoding': 'gzip',
    });
    expect(gzipped.json).toEqual({ text: 'Success', code: 0 });
    expect(hec.logIds()).toEqual(['L1', 'L2', 'L3', 'L4']);
    expect(hec.accepted[1]).toMatchObject({ requestIndex: 0, position: 1, event: log('L2') });
    expect(hec.accepted[2].envelope).toEqual({
      event: log('L3'),
      time: '1735689600.123',
      sourcetype: 'auth0',
      index: 'auth0',
    });
    expect(hec.requests[1]).toMatchObject({ status: 200, bodyBytes: Buffer.byteLength(envelope('L4')) });
    expect(hec.violations).toEqual([]);
  });

  it('answers each authentication failure with its HEC code', async () => {
    const attempt = async (headers: Record<string, string>, query = '') =>
      (await post(`${hec.eventUrl}${query}`, envelope('A'), headers)).json;
    expect(await attempt({})).toEqual({ text: 'Token is required', code: 2 });
    expect(await attempt({ authorization: `Bearer ${TOKEN}` })).toEqual({ text: 'Invalid authorization', code: 3 });
    expect(await attempt({ authorization: 'Splunk nope' })).toEqual({ text: 'Invalid token', code: 4 });
    expect(await attempt({ authorization: 'Splunk disabled' })).toEqual({ text: 'Token disabled', code: 1 });
    expect(await attempt({}, `?token=${TOKEN}`)).toEqual({
      text: 'Query string authorization is not enabled',
      code: 16,
    });
    const basic = `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`;
    expect(await attempt({ authorization: basic })).toEqual({ text: 'Success', code: 0 });
    expect(hec.requests.map((r) => r.status)).toEqual([401, 401, 403, 403, 400, 200]);
    expect(hec.violations.map((v) => v.code)).toEqual([
      'token_required',
      'invalid_authorization',
      'invalid_token',
      'token_disabled',
      'query_auth_disabled',
    ]);
  });

  it('refuses a malformed envelope with invalid-event-number and accepts nothing of that request', async () => {
    const cases: [string, unknown][] = [
      [`${envelope('B1')}{"time":1}`, { text: 'Event field is required', code: 12, 'invalid-event-number': 1 }],
      [`${envelope('B1')}{"event":""}`, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 1 }],
      [
        `${envelope('B1')} ${envelope('B2')}{"event":`,
        { text: 'Invalid data format', code: 6, 'invalid-event-number': 2 },
      ],
      [`[${envelope('B1')}]`, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 }],
      [envelope('B1', { time: 'yesterday' }), { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 }],
      [envelope('B1', { index: 'main' }), { text: 'Incorrect index', code: 7, 'invalid-event-number': 0 }],
      [
        envelope('B1', { fields: { a: { b: 1 } } }),
        { text: 'Error in handling indexed fields', code: 15, 'invalid-event-number': 0 },
      ],
      [' \n', { text: 'No data', code: 5 }],
    ];
    for (const [body, expected] of cases) {
      const res = await post(hec.eventUrl, body, SPLUNK);
      expect([res.status, res.json]).toEqual([400, expected]);
    }
    expect(hec.accepted).toEqual([]);
    expect(hec.violations.map((v) => [v.code, v.refused])).toEqual([
      ['event_missing', true],
      ['event_blank', true],
      ['malformed', true],
      ['malformed', true],
      ['invalid_time', true],
      ['incorrect_index', true],
      ['invalid_fields', true],
      ['no_data', true],
    ]);
  });

  it('notes, without refusing, envelope keys Splunk ignores and times in milliseconds', async () => {
    const res = await post(hec.eventUrl, envelope('N1', { log_id: 'N1', time: 1735689600123 }), SPLUNK);
    expect(res.status).toBe(200);
    expect(hec.violations).toEqual([
      expect.objectContaining({ code: 'time_in_milliseconds', refused: false, eventNumber: 0 }),
      expect.objectContaining({ code: 'unknown_envelope_key', refused: false, eventNumber: 0 }),
    ]);
  });

  it('refuses bodies over max_content_length with 413, before and after gunzip', async () => {
    const small = await SplunkHecReceiver.start({ tokens: [TOKEN], maxContentLength: 2_000 });
    try {
      const big = envelope('X', { event: 'x'.repeat(3_000) });
      expect((await post(small.eventUrl, big, SPLUNK)).status).toBe(413);
      const bomb = await post(small.eventUrl, gzipSync(big), { ...SPLUNK, 'content-encoding': 'gzip' });
      expect(bomb).toMatchObject({ status: 413, json: { text: 'Request entity too large', code: 413 } });
      expect((await post(small.eventUrl, envelope('D'), { ...SPLUNK, 'content-encoding': 'br' })).status).toBe(415);
      expect(small.violations.map((v) => v.code)).toEqual(['too_large', 'too_large', 'unsupported_encoding']);
      expect(small.accepted).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('serves health and refuses unknown paths and methods', async () => {
    expect((await fetch(`${hec.url}/services/collector/health`)).status).toBe(200);
    expect(await (await fetch(`${hec.url}/services/collector/health/1.0`)).json()).toEqual({
      text: 'HEC is healthy',
      code: 17,
    });
    expect((await post(`${hec.url}/services/collector/raw`, 'line', SPLUNK)).status).toBe(404);
    expect((await fetch(hec.eventUrl, { headers: SPLUNK })).status).toBe(405);
    expect(hec.violations.map((v) => v.code)).toEqual(['not_found', 'method_not_allowed']);
  });

  it('can accept the events before the invalid one instead (switch)', async () => {
    const lenient = await SplunkHecReceiver.start({ tokens: [TOKEN], onInvalidEvent: 'accept-before-invalid' });
    try {
      const res = await post(lenient.eventUrl, `${envelope('P1')}${envelope('P2')}{"time":1}`, SPLUNK);
      expect(res.json).toEqual({ text: 'Event field is required', code: 12, 'invalid-event-number': 2 });
      expect(lenient.logIds()).toEqual(['P1', 'P2']);
    } finally {
      await lenient.close();
    }
  });

  it('answers a poison event like a malformed one, as a fault and not a violation', async () => {
    hec.rejectEvents((e) => e.logId === 'Q2');
    const res = await post(hec.eventUrl, `${envelope('Q1')}${envelope('Q2')}${envelope('Q3')}`, SPLUNK);
    expect(res).toMatchObject({
      status: 400,
      json: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 },
    });
    expect(hec.requests[0].fault).toBe('poison');
    expect(hec.accepted).toEqual([]);
    expect(hec.violations).toEqual([]);
    expect((await post(hec.eventUrl, envelope('Q1'), SPLUNK)).status).toBe(200);
  });

  describe('indexer acknowledgement', () => {
    let acked: SplunkHecReceiver;
    const withChannel = { ...SPLUNK, 'x-splunk-request-channel': CHANNEL };
    const query = async (ids: number[]) =>
      (await post(`${acked.url}/services/collector/ack`, JSON.stringify({ acks: ids }), withChannel)).json;
    beforeAll(async () => {
      acked = await SplunkHecReceiver.start({ tokens: [TOKEN], ack: true });
    });
    afterAll(() => acked.close());

    it('requires a GUID channel', async () => {
      expect((await post(acked.eventUrl, envelope('C1'), SPLUNK)).json).toEqual({
        text: 'Data channel is missing',
        code: 10,
      });
      const bad = await post(acked.eventUrl, envelope('C1'), { ...SPLUNK, 'x-splunk-request-channel': 'ch-1' });
      expect(bad).toMatchObject({ status: 400, json: { text: 'Invalid data channel', code: 11 } });
      expect(acked.accepted).toEqual([]);
    });

    it('returns increasing ackIds and answers ack queries once', async () => {
      expect((await post(acked.eventUrl, envelope('C1'), withChannel)).json).toEqual({
        text: 'Success',
        code: 0,
        ackId: 0,
      });
      acked.holdAcks();
      expect((await post(`${acked.eventUrl}?channel=${CHANNEL}`, envelope('C2'), SPLUNK)).json).toMatchObject({
        ackId: 1,
      });
      expect(await query([0, 1, 7])).toEqual({ acks: { '0': true, '1': false, '7': false } });
      acked.releaseAcks();
      expect(await query([0, 1])).toEqual({ acks: { '0': false, '1': true } });
      expect(acked.accepted.map((a) => [a.logId, a.channel, a.ackId])).toEqual([
        ['C1', CHANNEL, 0],
        ['C2', CHANNEL, 1],
      ]);
    });

    it('never acknowledges a dropped request, and refuses ack queries when ack is off', async () => {
      acked.dropNext(1);
      const { ackId } = (await post(acked.eventUrl, envelope('C3'), withChannel)).json as { ackId: number };
      expect(await query([ackId])).toEqual({ acks: { [ackId]: false } });
      expect(acked.logIds()).not.toContain('C3');
      const off = await post(`${hec.url}/services/collector/ack`, '{"acks":[0]}', withChannel);
      expect(off.json).toEqual({ text: 'ACK is disabled', code: 14 });
    });
  });
});

describe('SumoLogicReceiver', () => {
  let sumo: SumoLogicReceiver;
  const lines = (...ids: string[]): string => ids.map((id) => JSON.stringify(log(id))).join('\n') + '\n';
  beforeAll(async () => {
    sumo = await SumoLogicReceiver.start({ tokens: [TOKEN], maxBytes: 1_000_000 });
  });
  afterEach(() => sumo.clearRecords().clearFaults());
  afterAll(() => sumo.close());

  it('accepts newline-delimited lines, plain, gzip and deflate, with X-Sumo-* metadata', async () => {
    const headers = { 'x-sumo-category': 'auth0/logs', 'x-sumo-name': 'roster', 'x-sumo-host': 'h1' };
    expect((await post(sumo.sourceUrl(TOKEN), lines('S1', 'S2'), headers)).status).toBe(200);
    const gz = await post(sumo.sourceUrl(TOKEN), gzipSync(lines('S3')), { 'content-encoding': 'gzip' });
    const df = await post(`${sumo.url}/receiver/v1/http`, deflateSync('plain text line\r\n'), {
      'content-encoding': 'deflate',
      'x-sumo-token': TOKEN,
      'x-sumo-fields': 'env=dev,cluster=k8s',
    });
    expect([gz.status, df.status]).toEqual([200, 200]);
    expect(sumo.logIds()).toEqual(['S1', 'S2', 'S3']);
    expect(sumo.accepted[0].metadata).toEqual({ category: 'auth0/logs', name: 'roster', host: 'h1' });
    expect(sumo.accepted[3]).toMatchObject({
      event: 'plain text line',
      metadata: { fields: { env: 'dev', cluster: 'k8s' } },
    });
    expect(sumo.violations).toEqual([]);
  });

  it('refuses an unknown or missing token with 401, another path with 404, GET with 405', async () => {
    expect((await post(sumo.sourceUrl('wrong'), lines('T1'))).status).toBe(401);
    expect((await post(`${sumo.url}/receiver/v1/http`, lines('T1'))).status).toBe(401);
    expect((await post(`${sumo.url}/receiver/v2/http/${TOKEN}`, lines('T1'))).status).toBe(404);
    expect((await fetch(sumo.sourceUrl(TOKEN))).status).toBe(405);
    expect(sumo.accepted).toEqual([]);
    expect(sumo.violations.map((v) => v.code)).toEqual([
      'invalid_token',
      'token_required',
      'not_found',
      'method_not_allowed',
    ]);
  });

  it('refuses over 1 MB uncompressed, even when gzip makes it small, as a violation', async () => {
    const big = 'y'.repeat(1_000_001);
    expect((await post(sumo.sourceUrl(TOKEN), gzipSync(big), { 'content-encoding': 'gzip' })).status).toBe(413);
    expect(
      (await post(sumo.sourceUrl(TOKEN), Buffer.from([0x1f, 0x8b, 1]), { 'content-encoding': 'gzip' })).status,
    ).toBe(400);
    expect(sumo.violations).toEqual([
      expect.objectContaining({ code: 'too_large', refused: true, status: 413 }),
      expect.objectContaining({ code: 'undecodable_body', refused: true, status: 400 }),
    ]);
  });

  it('with oversize "accept" takes the request and still records the violation', async () => {
    const tolerant = await SumoLogicReceiver.start({ tokens: [TOKEN], maxBytes: 100, oversize: 'accept' });
    try {
      expect((await post(tolerant.sourceUrl(TOKEN), 'z'.repeat(150))).status).toBe(200);
      expect(tolerant.acceptedCount).toBe(1);
      expect(tolerant.violations).toEqual([expect.objectContaining({ code: 'too_large', refused: false })]);
    } finally {
      await tolerant.close();
    }
  });

  it('notes requests sent in parallel to one source when maxInFlight is set', async () => {
    const single = await SumoLogicReceiver.start({ tokens: [TOKEN], maxInFlight: 1 });
    try {
      single.slow(100, 1);
      const first = post(single.sourceUrl(TOKEN), lines('I1'));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect((await post(single.sourceUrl(TOKEN), lines('I2'))).status).toBe(200);
      expect((await first).status).toBe(200);
      expect(single.peakInFlight).toBe(2);
      expect(single.violations).toEqual([
        expect.objectContaining({ requestIndex: 1, code: 'too_many_connections', refused: false }),
      ]);
    } finally {
      await single.close();
    }
  });

  it('answers a rate limit with 429 and Retry-After, in Sumo words', async () => {
    sumo.rateLimit({ count: 1 }, 7);
    const limited = await post(sumo.sourceUrl(TOKEN), lines('R1'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.text).toContain('exceeded your Sumo Logic quota');
    expect((await post(sumo.sourceUrl(TOKEN), lines('R1'))).status).toBe(200);
    expect(sumo.logIds()).toEqual(['R1']);
  });
});

describe('LogglyReceiver', () => {
  let loggly: LogglyReceiver;
  const ndjson = (...ids: string[]): string => ids.map((id) => JSON.stringify(log(id))).join('\n');
  beforeAll(async () => {
    loggly = await LogglyReceiver.start({ tokens: [TOKEN], maxEventBytes: 200, maxBulkBytes: 1_000 });
  });
  afterEach(() => loggly.clearRecords().clearFaults());
  afterAll(() => loggly.close());

  it('accepts bulk events with path and header tags, with or without the tag segment', async () => {
    const res = await post(loggly.bulkUrl(TOKEN, ['auth0', 'roster']), ndjson('G1', 'G2'), {
      'x-loggly-tag': 'x,auth0',
    });
    expect(res).toMatchObject({ status: 200, text: '{"response" : "ok"}', json: { response: 'ok' } });
    expect((await post(`${loggly.url}/bulk/${TOKEN}`, ndjson('G3'))).status).toBe(200);
    expect((await post(`${loggly.url}/inputs/${TOKEN}/tag/http/`, 'stack\n  at frame')).status).toBe(200);
    expect(loggly.accepted.map((a) => [a.logId ?? a.event, a.tags, a.endpoint])).toEqual([
      ['G1', ['auth0', 'roster', 'x'], 'bulk'],
      ['G2', ['auth0', 'roster', 'x'], 'bulk'],
      ['G3', [], 'bulk'],
      ['stack\n  at frame', ['http'], 'inputs'],
    ]);
    expect(loggly.requests[0].path).toBe('/bulk/[REDACTED]/tag/auth0,roster/');
  });

  it('refuses a wrong token with 403 and oversize events or batches with 413', async () => {
    expect((await post(loggly.bulkUrl('wrong'), ndjson('H1'))).status).toBe(403);
    const longEvent = `${ndjson('H1')}\n${JSON.stringify({ log_id: 'H2', pad: 'p'.repeat(300) })}`;
    expect((await post(loggly.bulkUrl(TOKEN), longEvent)).status).toBe(413);
    expect((await post(loggly.bulkUrl(TOKEN), Array(20).fill(ndjson('H3')).join('\n'))).status).toBe(413);
    expect((await post(loggly.bulkUrl(TOKEN), gzipSync(ndjson('H4')), { 'content-encoding': 'gzip' })).status).toBe(
      415,
    );
    expect(loggly.accepted).toEqual([]);
    expect(loggly.violations).toEqual([
      expect.objectContaining({ code: 'invalid_token', status: 403 }),
      expect.objectContaining({ code: 'event_too_large', status: 413, eventNumber: 1 }),
      expect.objectContaining({ code: 'too_large', status: 413 }),
      expect.objectContaining({ code: 'unsupported_encoding', status: 415 }),
    ]);
  });

  it('refuses a poison event with 400', async () => {
    loggly.rejectEvents((e) => e.logId === 'K2');
    expect((await post(loggly.bulkUrl(TOKEN), ndjson('K1', 'K2'))).status).toBe(400);
    expect(loggly.accepted).toEqual([]);
    expect(loggly.requests[0].fault).toBe('poison');
  });
});

describe('HttpWebhookReceiver', () => {
  const element = (id: string) => ({ log_id: id, data: log(id) });
  const auth = { authorization: 'Bearer hook-secret', 'content-type': 'application/json' };

  it.each([
    ['JSONARRAY', JSON.stringify([element('W1'), element('W2')])],
    ['JSONLINES', `${JSON.stringify(element('W1'))}\n${JSON.stringify(element('W2'))}\n`],
    ['JSONOBJECT', JSON.stringify({ logs: [element('W1'), element('W2')] })],
  ] as const)('accepts %s deliveries and refuses the other framings', async (format, body) => {
    const hook = await HttpWebhookReceiver.start({ format, path: '/auth0/logs', authorization: auth.authorization });
    try {
      expect((await post(hook.endpointUrl, body, auth)).status).toBe(200);
      expect(hook.accepted.map((a) => [a.logId, a.event])).toEqual([
        ['W1', log('W1')],
        ['W2', log('W2')],
      ]);
      const other = format === 'JSONLINES' ? JSON.stringify({ logs: [element('W3')] }) : JSON.stringify(element('W3'));
      expect((await post(hook.endpointUrl, other, auth)).status).toBe(400);
      expect(hook.violations.map((v) => v.code)).toEqual([format === 'JSONLINES' ? 'malformed_element' : 'malformed']);
    } finally {
      await hook.close();
    }
  });

  it('requires the Authorization value, the path, the content type and well-formed elements', async () => {
    const hook = await HttpWebhookReceiver.start({
      format: 'JSONARRAY',
      path: '/auth0/logs',
      authorization: auth.authorization,
      contentType: 'application/json',
      requiredHeaders: { 'X-Tenant': 't1' },
    });
    const headers = { ...auth, 'x-tenant': 't1' };
    try {
      const send = async (body: unknown, h: Record<string, string> = headers, path = '/auth0/logs') =>
        (await post(`${hook.url}${path}`, JSON.stringify(body), h)).status;
      expect(await send([element('V1')], { ...headers, authorization: 'Bearer other' })).toBe(401);
      expect(await send([element('V1')], { ...headers, 'content-type': 'text/plain' })).toBe(415);
      expect(await send([element('V1')], auth)).toBe(400);
      expect(await send([element('V1')], headers, '/other')).toBe(404);
      expect(await send([element('V1'), { log_id: 'V2' }])).toBe(400);
      expect(await send([{ log_id: 'V3', data: log('V4') }])).toBe(400);
      expect(await send([element('V5')])).toBe(200);
      expect(hook.logIds()).toEqual(['V5']);
      expect(hook.violations.map((v) => [v.code, v.eventNumber])).toEqual([
        ['unauthorized', undefined],
        ['wrong_content_type', undefined],
        ['missing_custom_header', undefined],
        ['not_found', undefined],
        ['malformed_element', 1],
        ['malformed_element', 0],
      ]);
      expect(hook.requests[0].headers['x-tenant']).toBe('t1');
    } finally {
      await hook.close();
    }
  });
});

describe('fault injection and records', () => {
  let hook: HttpWebhookReceiver;
  const body = (...ids: string[]) => JSON.stringify(ids.map((id) => ({ log_id: id, data: log(id) })));
  beforeAll(async () => {
    hook = await HttpWebhookReceiver.start({ format: 'JSONARRAY' });
  });
  afterEach(() => hook.clearRecords().clearFaults());
  afterAll(() => hook.close());

  it('failNext answers the next requests with the status, then recovers', async () => {
    hook.failNext(2, { status: 503 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(hook.endpointUrl, body(`F${i}`))).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(hook.logIds()).toEqual(['F2']);
    expect(hook.requests.map((r) => r.fault)).toEqual(['fail', 'fail', undefined]);
  });

  it('failFor and rateLimit({ms}) hold for a time window; Splunk health reports it', async () => {
    const hec = await SplunkHecReceiver.start({ tokens: [TOKEN] });
    try {
      hec.rateLimit({ ms: 150 }, 1);
      const limited = await post(hec.eventUrl, envelope('M1'), SPLUNK);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect((await fetch(`${hec.url}/services/collector/health`)).status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await post(hec.eventUrl, envelope('M1'), SPLUNK)).status).toBe(200);
      hec.failFor(150);
      expect((await post(hec.eventUrl, envelope('M2'), SPLUNK)).json).toEqual({ text: 'Server is busy', code: 9 });
    } finally {
      await hec.close();
    }
  });

  it('slow delays the answer', async () => {
    hook.slow(150, 1);
    const started = Date.now();
    expect((await post(hook.endpointUrl, body('Z1'))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resetNext destroys the connection, with or without accepting first', async () => {
    hook.resetNext(1);
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(await networkError(post(hook.endpointUrl, body('E1'))));
    expect(hook.accepted).toEqual([]);
    hook.resetNext(1, { afterAccepting: true });
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(await networkError(post(hook.endpointUrl, body('E2'))));
    expect((await post(hook.endpointUrl, body('E2'))).status).toBe(200);
    expect(hook.logIds()).toEqual(['E2', 'E2']);
    expect(hook.duplicateLogIds()).toEqual(['E2']);
    expect(hook.requests.map((r) => [r.outcome, r.fault])).toEqual([
      ['reset', 'reset'],
      ['reset', 'reset'],
      ['answered', undefined],
    ]);
  });

  it('dropNext answers success and accepts nothing', async () => {
    hook.dropNext(1);
    expect((await post(hook.endpointUrl, body('D1'))).status).toBe(200);
    expect(hook.accepted).toEqual([]);
  });

  it('down() refuses connections on the same port until up()', async () => {
    const url = hook.endpointUrl;
    await hook.down();
    expect(await connectError(hook.url)).toBe('ECONNREFUSED');
    // fetch may reuse a pooled keep-alive socket that down() closed: then the error is "other side closed".
    expect(['ECONNREFUSED', 'UND_ERR_SOCKET']).toContain(await networkError(post(url, body('U1'))));
    await hook.up();
    expect(hook.endpointUrl).toBe(url);
    expect(await connectError(hook.url)).toBe('connected');
    expect((await post(url, body('U1'))).status).toBe(200);
  });

  it('waitForAccepted resolves when enough events arrive and explains a timeout', async () => {
    const waiting = hook.waitForAccepted(2, 2_000);
    await post(hook.endpointUrl, body('Y1'));
    await post(hook.endpointUrl, body('Y2'));
    expect((await waiting).map((a) => a.logId)).toEqual(['Y1', 'Y2']);
    await post(`${hook.url}/nowhere`, body('Y3'));
    await expect(hook.waitForAccepted(3, 50)).rejects.toThrow(/got 2\. Requests: .*#2 POST \/nowhere -> 404/);
  });

  it('never prints a secret: Authorization and path tokens are redacted', async () => {
    const sumo = await SumoLogicReceiver.start({ tokens: [TOKEN] });
    try {
      await post(sumo.sourceUrl(TOKEN), 'line', { authorization: `Splunk ${TOKEN}`, 'x-sumo-token': TOKEN });
      const printed = [inspect(sumo.requests), JSON.stringify(sumo.requests), sumo.summary()].join('\n');
      expect(printed).not.toContain(TOKEN);
      expect(sumo.requests[0].headers.authorization).toBe('Splunk [REDACTED]');
      expect(sumo.requests[0].header('authorization')).toBe(`Splunk ${TOKEN}`);
    } finally {
      await sumo.close();
    }
  });
});
