import { answerDetail, parseRetryAfter, redactor, statusOutcome, transportProblem } from './outcomes';
import { hecOutcome, parseHecReply } from './splunk-hec.connector';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates, and ignores anything else', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:07 GMT', NOW)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:00:00 GMT', NOW)).toBe(0);
    for (const bad of [undefined, '', '-1', '1.5', 'soon', '2025-01-01T12:00:07Z', 'Mon, garbage']) {
      expect(parseRetryAfter(bad, NOW)).toBeUndefined();
    }
  });
});

describe('statusOutcome', () => {
  const outcome = (status: number, retryAfterMs?: number) =>
    statusOutcome('Sumo Logic', status, 'said so', retryAfterMs);

  it('delivers on 2xx', () => {
    expect([200, 201, 202, 204].map((s) => outcome(s))).toEqual(Array(4).fill({ kind: 'delivered' }));
  });

  it('retries 408, 429 and 5xx, with Retry-After', () => {
    expect(outcome(429, 1000)).toEqual({
      kind: 'retry',
      reason: 'Sumo Logic answered 429 Too Many Requests: said so',
      status: 429,
      retryAfterMs: 1000,
    });
    for (const status of [408, 500, 501, 502, 503, 504]) expect(outcome(status).kind).toBe('retry');
  });

  it('rejects only content refusals: 400, 413, 422', () => {
    expect(outcome(413)).toEqual({
      kind: 'rejected',
      reason: 'Sumo Logic answered 413 Payload Too Large: said so',
      status: 413,
    });
    expect([400, 413, 422].map((s) => outcome(s).kind)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('retries every other 4xx and 3xx as a misconfiguration, never dropping events for it', () => {
    expect(outcome(401)).toEqual({
      kind: 'retry',
      reason: "misconfiguration: Sumo Logic answered 401 Unauthorized: said so (check the stream's credentials)",
      status: 401,
    });
    for (const status of [301, 403, 404, 405, 410, 415, 431]) {
      const result = outcome(status);
      expect(result.kind).toBe('retry');
      expect(result).toMatchObject({ reason: expect.stringMatching(/^misconfiguration: /) });
    }
  });
});

describe('Splunk HEC answers', () => {
  const outcome = (status: number, body: unknown) =>
    hecOutcome(status, parseHecReply(JSON.stringify(body)), '', undefined);

  it('rejects content codes with the invalid event number', () => {
    expect(outcome(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 3 })).toEqual({
      kind: 'rejected',
      reason: 'Splunk HEC answered code 6 "Invalid data format" (HTTP 400)',
      status: 400,
      badEventIndex: 3,
    });
    expect(outcome(400, { text: 'Event field is required', code: 12 })).toMatchObject({ kind: 'rejected' });
    expect(outcome(400, { text: 'No data', code: 5 })).toMatchObject({ kind: 'rejected' });
  });

  it('retries configuration codes even on 400 (an index not allowed is not a poison event)', () => {
    expect(outcome(400, { text: 'Incorrect index', code: 7, 'invalid-event-number': 0 })).toEqual({
      kind: 'retry',
      reason: 'misconfiguration: Splunk HEC answered code 7 "Incorrect index" (HTTP 400)',
      status: 400,
    });
    for (const [status, code] of [
      [403, 4],
      [401, 2],
      [403, 1],
      [400, 10],
      [400, 11],
    ]) {
      expect(outcome(status, { code })).toMatchObject({
        kind: 'retry',
        reason: expect.stringMatching(/^misconfiguration/),
      });
    }
  });

  it('falls back to the status for busy codes and for answers that are not HEC JSON', () => {
    expect(outcome(503, { text: 'Server is busy', code: 9, 'invalid-event-number': 10 })).toMatchObject({
      kind: 'retry',
      status: 503,
    });
    expect(hecOutcome(502, parseHecReply('<html>Bad gateway</html>'), '<html>Bad gateway</html>', 2000)).toMatchObject({
      kind: 'retry',
      status: 502,
      retryAfterMs: 2000,
    });
    expect(outcome(413, { text: 'Request entity too large', code: 413 })).toMatchObject({ kind: 'rejected' });
  });
});

describe('reasons', () => {
  it('never carry a secret and stay short', () => {
    const redact = redactor(['tok-123456', undefined, 'ab', '/receiver/v1/http/CODE123']);
    const detail = answerDetail(
      `Unknown token tok-123456 for POST /receiver/v1/http/CODE123\n${'x'.repeat(500)}`,
      redact,
    );
    expect(detail).not.toMatch(/tok-123456|CODE123/);
    expect(detail.startsWith('Unknown token **** for POST ****')).toBe(true);
    expect(detail.length).toBeLessThanOrEqual(201);
  });

  it('word network failures by their code', () => {
    expect(transportProblem('ECONNREFUSED', 10_000)).toBe('connection refused (ECONNREFUSED)');
    expect(transportProblem('timeout', 10_000)).toBe('no answer within 10000 ms');
    expect(transportProblem('DEPTH_ZERO_SELF_SIGNED_CERT', 10_000)).toBe(
      'TLS certificate not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    expect(transportProblem('EWHATEVER', 10_000)).toBe('network error (EWHATEVER)');
  });
});
