/**
 * Test support: Auth0-shaped log events with realistic fields. Not exported from the library's index (tests import it
 * directly).
 */
import { logIdOf, type LogEvent } from '@roster/logs';

/** Event `n` (its log_id sorts by n), at second `n` of 2025-01-01 with a millisecond part. */
export const logEvent = (n: number, overrides: Partial<LogEvent> = {}): LogEvent => ({
  log_id: logIdOf(BigInt(n)),
  date: new Date(Date.UTC(2025, 0, 1, 0, 0, n, 123)).toISOString(),
  type: 'sapi',
  description: 'Update a client',
  client_id: 'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345',
  client_name: 'Acme Portal',
  ip: '203.0.113.7',
  hostname: 'acme.roster.test',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
  user_id: 'auth0|5f7c8ec7c33c6c004bbafe82',
  details: { request: { method: 'patch', path: `/api/v2/clients/${n}` }, response: { statusCode: 200 } },
  tenant_name: 'acme',
  ...overrides,
});

export const logEvents = (count: number, from = 1): LogEvent[] =>
  Array.from({ length: count }, (_, i) => logEvent(from + i));
