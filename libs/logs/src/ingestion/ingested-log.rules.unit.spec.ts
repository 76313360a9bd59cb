import { checkIngestedLog } from './ingested-log.rules';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const good = { type: 'fp', date: '2026-11-27T11:59:00.000Z', user_id: 'auth0|1', ip: '203.0.113.9' };

const deep = (depth: number): unknown => (depth === 0 ? 'leaf' : { next: deep(depth - 1) });

describe('checkIngestedLog', () => {
  it('accepts a reported login failure and stamps the tenant', () => {
    expect(checkIngestedLog({ ...good, id: 'evt-1' }, 'acme', NOW)).toEqual({
      ok: true,
      ingestId: 'evt-1',
      draft: { ...good, tenant_name: 'acme' },
    });
  });

  it('normalises the date to UTC ISO', () => {
    const result = checkIngestedLog({ ...good, date: '2026-11-27T12:59:00+01:00' }, 'acme', NOW);
    expect(result.ok && result.draft.date).toBe('2026-11-27T11:59:00.000Z');
  });

  it('allows a little clock skew', () => {
    expect(checkIngestedLog({ ...good, date: '2026-11-27T12:04:00Z' }, 'acme', NOW).ok).toBe(true);
  });

  it.each([
    ['an unknown type', { ...good, type: 'nope' }, 'cannot be reported'],
    ['a type only Roster emits', { ...good, type: 'sapi' }, 'cannot be reported'],
    ['a missing type', { date: good.date }, 'Missing required property: type'],
    ['a missing date', { type: 's' }, 'Missing required property: date'],
    ['a date without zone', { ...good, date: '2026-11-27T11:59:00' }, 'ISO-8601'],
    ['a date far in the future', { ...good, date: '2027-01-01T00:00:00Z' }, 'in the future'],
    ['an unknown field', { ...good, log_id: '1' }, 'Additional properties not allowed: log_id'],
    ['a deep details', { ...good, details: deep(12) }, 'nested too deeply'],
    [
      'a huge details',
      {
        ...good,
        details: {
          a: 'x'.repeat(4000),
          b: 'y'.repeat(4000),
          c: 'z'.repeat(4000),
          d: 'w'.repeat(4000),
          e: 'v'.repeat(4000),
        },
      },
      'exceed',
    ],
    ['a bad id', { ...good, id: 'has space' }, 'does not match pattern'],
    ['a bad ip', { ...good, ip: '<script>' }, 'does not match pattern'],
    ['not an object', ['s'], 'Expected type object'],
  ])('refuses %s', (_, item, message) => {
    const result = checkIngestedLog(item, 'acme', NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.violations[0].message).toContain(message);
  });
});
