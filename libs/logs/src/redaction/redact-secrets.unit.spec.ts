import { REDACTED, redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it.each([
    [{ client_secret: 'abc' }, { client_secret: REDACTED }],
    [{ Client_Secret: 'abc' }, { Client_Secret: REDACTED }],
    [{ nested: [{ password: 'p', name: 'n' }] }, { nested: [{ password: REDACTED, name: 'n' }] }],
    [{ sink: { splunkToken: 't', splunkDomain: 'd' } }, { sink: { splunkToken: REDACTED, splunkDomain: 'd' } }],
    [{ sink: { sumoSourceAddress: 'https://x/receiver/v1/http/SECRET' } }, { sink: { sumoSourceAddress: REDACTED } }],
    [
      { httpCustomHeaders: [{ header: 'X-Key', value: 'v' }] },
      { httpCustomHeaders: [{ header: 'X-Key', value: REDACTED }] },
    ],
    [{ registration_access_token: { nested: 'object' } }, { registration_access_token: REDACTED }],
  ])('redacts secret properties: %j', (input, expected) => {
    expect(redactSecrets(input)).toEqual(expected);
  });

  it('keeps what only looks like a secret by name fragment', () => {
    const input = { token_endpoint_auth_method: 'client_secret_post', secret_hash: undefined, signing_keys: [] };
    expect(redactSecrets(input)).toEqual(input);
  });

  it('keeps null secrets (their absence is not a secret)', () => {
    expect(redactSecrets({ client_secret: null })).toEqual({ client_secret: null });
  });

  it('redacts credentials inside free text', () => {
    expect(redactSecrets({ message: 'sent Bearer eyJhbGciOiJFUzI1NiJ9.x.y to it' })).toEqual({
      message: `sent Bearer ${REDACTED} to it`,
    });
  });

  it('does not change its input', () => {
    const input = { client_secret: 's' };
    redactSecrets(input);
    expect(input).toEqual({ client_secret: 's' });
  });
});
