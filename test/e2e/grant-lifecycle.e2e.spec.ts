import { createClient, grantApi, tokenRequest, useAllInOne } from './support-http';

/** Client grants die with their application or their API, in the Management API and at the token endpoint alike. */
describe('client grant lifecycle', () => {
  const { roster, admin } = useAllInOne();
  const API = 'https://lifecycle.example.com/';
  const endpoint = () => roster.bootstrap.token_endpoint;
  const ask = (app: { client_id: string; client_secret?: string }) =>
    tokenRequest(
      endpoint(),
      { grant_type: 'client_credentials', audience: API },
      { method: 'post', clientId: app.client_id, clientSecret: app.client_secret },
    );

  it('removes the grants of a deleted API, so an API recreated with the same identifier starts with none', async () => {
    const app = await createClient(admin.api, { name: 'Lifecycle worker', app_type: 'non_interactive' });
    await grantApi(admin.api, app.client_id, API, ['read:things']);
    expect((await ask(app)).status).toBe(200);

    const api = await admin.api.get(`resource-servers/${encodeURIComponent(API)}`);
    expect((await admin.api.delete(`resource-servers/${api.body.id}`)).status).toBe(204);
    expect((await admin.api.get(`client-grants?client_id=${app.client_id}`)).body).toEqual([]);

    const recreated = await admin.api.post('resource-servers', {
      name: 'Lifecycle again',
      identifier: API,
      scopes: [{ value: 'read:things' }],
    });
    expect(recreated.status).toBe(201);
    expect((await admin.api.get(`client-grants?client_id=${app.client_id}`)).body).toEqual([]);
    const refused = await ask(app);
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error: 'access_denied' });

    // A new grant for the same pair is possible again.
    const grant = await admin.api.post('client-grants', {
      client_id: app.client_id,
      audience: API,
      scope: ['read:things'],
    });
    expect(grant.status).toBe(201);
    expect((await ask(app)).status).toBe(200);
  });

  it('removes the grants of a deleted application', async () => {
    const app = await createClient(admin.api, { name: 'Short-lived worker', app_type: 'non_interactive' });
    await grantApi(admin.api, app.client_id, API, ['read:things']);
    expect((await admin.api.get(`client-grants?client_id=${app.client_id}`)).body).toHaveLength(1);
    expect((await admin.api.delete(`clients/${app.client_id}`)).status).toBe(204);
    expect((await admin.api.get(`client-grants?client_id=${app.client_id}`)).body).toEqual([]);
    expect((await ask(app)).status).toBe(401);
  });
});
