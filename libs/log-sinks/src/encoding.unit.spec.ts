import { createConnector } from './create-connector';
import { frameBody } from './http-sink-connector';
import { WEBHOOK_FRAMING, webhookElement } from './http-webhook.connector';
import { logEvent, logEvents } from './log-sinks.fixtures';
import { logglyBulkUrl } from './loggly.connector';
import type { SinkConfig } from './sink-config';
import { splunkBaseUrl, splunkEnvelope } from './splunk-hec.connector';
import { sumoHeaders } from './sumo-logic.connector';

/** What each connector puts on the wire, without the wire. */

describe('Splunk HEC encoding', () => {
  it('wraps each log as {log_id, data} in an envelope with epoch-second time and roster metadata', () => {
    const event = logEvent(7);
    expect(JSON.parse(splunkEnvelope(event))).toEqual({
      time: Date.UTC(2025, 0, 1, 0, 0, 7, 123) / 1000,
      host: 'acme.roster.test',
      source: 'roster',
      sourcetype: 'roster:log',
      event: { log_id: event.log_id, data: event },
    });
    expect(splunkEnvelope(event)).toContain('"time":1735689607.123,');
  });

  it('falls back to the tenant for host and leaves out a time that does not parse', () => {
    const envelope = JSON.parse(splunkEnvelope(logEvent(1, { hostname: undefined, date: 'not a date' })));
    expect(envelope.host).toBe('acme');
    expect(envelope).not.toHaveProperty('time');
  });

  it('builds the base URL from domain, optional scheme and port', () => {
    const base = (splunkDomain: string, splunkPort?: string) =>
      splunkBaseUrl({ splunkDomain, splunkPort, splunkToken: 't', splunkSecure: true }).href;
    expect(base('splunk.acme.test')).toBe('https://splunk.acme.test:8088/');
    expect(base('http://127.0.0.1', '18088')).toBe('http://127.0.0.1:18088/');
    expect(base('HTTPS://splunk.acme.test', '443')).toBe('https://splunk.acme.test/');
  });
});

describe('frameBody', () => {
  const framing = { open: '[', separator: ',\n', close: ']' };

  it('writes multi-byte text at the right offsets, with nothing left over', () => {
    const parts = ['"é"', '"€ and 𝄞"', '""'];
    const body = frameBody(framing, parts);
    expect(body.toString('utf8')).toBe('["é",\n"€ and 𝄞",\n""]');
    expect(body.length).toBe(Buffer.byteLength('["é",\n"€ and 𝄞",\n""]'));
  });

  it('frames no part as open and close alone', () => {
    expect(frameBody(framing, []).toString('utf8')).toBe('[]');
    expect(frameBody({ open: '', separator: '\n', close: '' }, ['a']).toString('utf8')).toBe('a');
  });
});

describe('webhook encoding', () => {
  const events = logEvents(3);
  const body = (format: keyof typeof WEBHOOK_FRAMING) =>
    frameBody(WEBHOOK_FRAMING[format], events.map(webhookElement)).toString('utf8');
  const elements = events.map((event) => ({ log_id: event.log_id, data: event }));

  it('frames elements per content format', () => {
    expect(JSON.parse(body('JSONARRAY'))).toEqual(elements);
    expect(JSON.parse(body('JSONOBJECT'))).toEqual({ logs: elements });
    expect(
      body('JSONLINES')
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(elements);
  });
});

describe('Loggly and Sumo Logic request metadata', () => {
  it('puts the token and the tags in the bulk path', () => {
    expect(logglyBulkUrl({ logglyToken: 'tok-1' }).href).toBe('https://logs-01.loggly.com/bulk/tok-1/');
    expect(
      logglyBulkUrl({ logglyToken: 'tok-1', logglyTags: ['auth0', 'eu.prod'], logglyEndpoint: 'http://127.0.0.1:9/x/' })
        .href,
    ).toBe('http://127.0.0.1:9/x/bulk/tok-1/tag/auth0,eu.prod/');
  });

  it('names category, source and host from the first event, with header-safe characters only', () => {
    expect(sumoHeaders([logEvent(1)])).toMatchObject({
      'x-sumo-category': 'roster/acme',
      'x-sumo-name': 'roster',
      'x-sumo-host': 'acme.roster.test',
    });
    expect(sumoHeaders([logEvent(1, { tenant_name: 'bé\r\nx', hostname: undefined })])).toMatchObject({
      'x-sumo-category': 'roster/b___x',
      'x-sumo-host': 'b___x',
    });
  });
});

const configs: SinkConfig[] = [
  {
    type: 'splunk',
    sink: { splunkDomain: 'http://127.0.0.1', splunkPort: '9', splunkToken: 'tok', splunkSecure: true },
  },
  { type: 'sumo', sink: { sumoSourceAddress: 'http://127.0.0.1:9/receiver/v1/http/code' } },
  { type: 'loggly', sink: { logglyToken: 'tok', logglyEndpoint: 'http://127.0.0.1:9' } },
  { type: 'http', sink: { httpEndpoint: 'http://127.0.0.1:9/', httpContentFormat: 'JSONOBJECT' } },
];

describe('connector limits', () => {
  // Multi-byte characters: sizes are UTF-8 bytes, not string lengths.
  const event = logEvent(1, { description: 'Mise à jour d’un client ✓' });
  const bytes = (text: string) => Buffer.byteLength(text);
  const expected: Record<SinkConfig['type'], [number, number]> = {
    splunk: [bytes(splunkEnvelope(event)), 800_000],
    sumo: [bytes(JSON.stringify(event)) + 1, 990_000],
    loggly: [bytes(JSON.stringify(event)) + 1, 5_000_000],
    http: [bytes(webhookElement(event)) + 1, 1_000_000 - bytes('{"logs":[]}')],
  };

  it.each(configs.map((c) => [c.type, c] as const))(
    '%s: encodedSize is the event bytes plus its separator; maxBatchBytes leaves room for the framing',
    async (type, config) => {
      const connector = createConnector(config);
      expect([connector.encodedSize(event), connector.maxBatchBytes]).toEqual(expected[type]);
      await connector.close();
    },
  );

  it('only lowers the limits through options', async () => {
    const lowered = createConnector(configs[1], { maxBatchEvents: 10, maxBatchBytes: 5000 });
    const raised = createConnector(configs[1], { maxBatchEvents: 1e6, maxBatchBytes: 1e9 });
    expect([lowered.maxBatchEvents, lowered.maxBatchBytes]).toEqual([10, 5000]);
    expect([raised.maxBatchEvents, raised.maxBatchBytes]).toEqual([1000, 990_000]);
    await Promise.all([lowered.close(), raised.close()]);
  });

  it('rejects an event over Loggly’s 1 MB per event before sending anything', async () => {
    const connector = createConnector(configs[2]);
    const huge = logEvent(2, { description: 'x'.repeat(1_000_001) });
    const outcome = await connector.send([logEvent(1), huge, logEvent(3)]);
    expect(outcome).toEqual({
      kind: 'rejected',
      reason: expect.stringContaining(`event ${huge.log_id} is`),
      badEventIndex: 1,
    });
    await connector.close();
  });

  it('refuses an invalid configuration without repeating its secrets', () => {
    const attempt = () =>
      createConnector({
        type: 'splunk',
        sink: { splunkDomain: 'splunk.acme.test', splunkToken: 'tok en-secret', splunkSecure: true },
      });
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_sink_config' }));
    expect(attempt).not.toThrow(/secret/);
  });
});
