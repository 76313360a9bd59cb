import type { LogEvent } from '@roster/logs';
import { storedText } from '../support/stored-text';
import { createClient, freshSourceAddress, grantApi, tokenRequest, useAllInOne } from './support-http';

/**
 * The log holds requests and responses of the Management API and every token request: the place where a secret
 * would most easily leak. With the real secrets in hand, none may appear in the event store, the read models or any
 * log event.
 */
describe('no secret in the log', () => {
  const { roster, admin } = useAllInOne();
  const secrets: string[] = [];

  beforeAll(async () => {
    secrets.push(roster.bootstrap.client_secret, admin.token);
  });

  it('after creating apps, rotating secrets, creating a tenant and failing token requests with real secrets', async () => {
    const base = roster.tenantBase();
    const address = freshSourceAddress();
    const worker = await createClient(admin.api, { name: 'Secret keeper', app_type: 'non_interactive' });
    const basic = await createClient(admin.api, {
      name: 'Basic keeper',
      app_type: 'non_interactive',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    await grantApi(admin.api, worker.client_id, 'https://secrets.example/api', ['read:x']);
    const rotated = await admin.api.post(`clients/${worker.client_id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const tenant = await admin.api.post('tenants', { name: 'secretive' });
    expect(tenant.status).toBe(201);
    secrets.push(worker.client_secret!, basic.client_secret!, rotated.body.client_secret, tenant.body.client_secret);

    const audience = { grant_type: 'client_credentials', audience: 'https://secrets.example/api' };
    const attempts = [
      // the old secret, the other app's secret, the right secret by the wrong method, a secret as the client id
      { method: 'post' as const, clientId: worker.client_id, clientSecret: worker.client_secret! },
      { method: 'post' as const, clientId: worker.client_id, clientSecret: basic.client_secret! },
      { method: 'basic' as const, clientId: worker.client_id, clientSecret: rotated.body.client_secret },
      { method: 'basic' as const, clientId: basic.client_id, clientSecret: rotated.body.client_secret },
      { method: 'post' as const, clientId: basic.client_secret!, clientSecret: basic.client_secret! },
    ];
    for (const auth of attempts) {
      const refused = await tokenRequest(`${base}/oauth/token`, audience, auth, address);
      expect(refused.status).toBe(401);
    }
    const ok = await tokenRequest(
      `${base}/oauth/token`,
      audience,
      { method: 'post', clientId: worker.client_id, clientSecret: rotated.body.client_secret },
      address,
    );
    expect(ok.status).toBe(200);
    secrets.push((ok.json as { access_token: string }).access_token);

    const logs = JSON.stringify((await admin.api.get('logs?per_page=100')).body as LogEvent[]);
    expect(logs).toContain('Rotate a client secret');
    expect(logs).toContain('REDACTED');
    const { events, readModels } = await storedText(roster);
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(events).not.toContain(secret);
      expect(readModels).not.toContain(secret);
    }
  });
});
