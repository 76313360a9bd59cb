import { createClient, useAllInOne } from './support-http';

/** Which applications use which connections, from both sides, as Auth0's dedicated endpoints expose it. */
describe('connections enabled per application', () => {
  const { admin } = useAllInOne();

  const connectionNamesOf = async (clientId: string): Promise<string[]> => {
    const response = await admin.api.get(`clients/${clientId}/connections`);
    expect(response.status).toBe(200);
    return (response.body.connections as Array<{ name: string }>).map((c) => c.name).sort();
  };
  const clientIdsOf = async (connectionId: string): Promise<string[]> => {
    const response = await admin.api.get(`connections/${connectionId}/clients`);
    expect(response.status).toBe(200);
    return (response.body.clients as Array<{ client_id: string }>).map((c) => c.client_id);
  };

  it('enables every tenant connection for a new application, then toggles per application', async () => {
    const github = await admin.api.post('connections', { name: 'github-employees', strategy: 'github' });
    expect(github.status).toBe(201);
    expect(github.body).toMatchObject({ name: 'github-employees', strategy: 'github', enabled_clients: [] });

    const app = await createClient(admin.api, {
      name: 'Portal',
      app_type: 'regular_web',
      callbacks: ['https://portal.example.com/cb'],
    });
    expect(await connectionNamesOf(app.client_id)).toEqual(['Username-Password-Authentication', 'github-employees']);
    expect(await clientIdsOf(github.body.id)).toContain(app.client_id);

    const off = await admin.api.patch(`connections/${github.body.id}/clients`, [
      { client_id: app.client_id, status: false },
    ]);
    expect(off.status).toBe(204);
    expect(await connectionNamesOf(app.client_id)).toEqual(['Username-Password-Authentication']);
    expect(await clientIdsOf(github.body.id)).not.toContain(app.client_id);
    expect((await admin.api.get(`connections/${github.body.id}`)).body.enabled_clients).not.toContain(app.client_id);

    const on = await admin.api.patch(`connections/${github.body.id}/clients`, [
      { client_id: app.client_id, status: true },
    ]);
    expect(on.status).toBe(204);
    expect(await connectionNamesOf(app.client_id)).toEqual(['Username-Password-Authentication', 'github-employees']);
  });

  it('enables a new connection for the applications named in enabled_clients, and forgets a removed one', async () => {
    const app = await createClient(admin.api, { name: 'Kiosk', app_type: 'non_interactive' });
    const google = await admin.api.post('connections', {
      name: 'google',
      strategy: 'google-oauth2',
      enabled_clients: [app.client_id],
    });
    expect(google.status).toBe(201);
    expect(google.body.enabled_clients).toEqual([app.client_id]);
    expect(await connectionNamesOf(app.client_id)).toContain('google');

    expect((await admin.api.delete(`connections/${google.body.id}`)).status).toBe(204);
    expect((await admin.api.get(`connections/${google.body.id}`)).status).toBe(404);
    expect(await connectionNamesOf(app.client_id)).not.toContain('google');
  });

  it('changes nothing when one item of a toggle batch names an unknown application', async () => {
    const app = await createClient(admin.api, { name: 'Batch', app_type: 'non_interactive' });
    const [db] = (await admin.api.get('connections?name=Username-Password-Authentication')).body as Array<{
      id: string;
    }>;
    const response = await admin.api.patch(`connections/${db.id}/clients`, [
      { client_id: app.client_id, status: false },
      { client_id: 'no-such-client', status: false },
    ]);
    expect(response.status).toBe(404);
    expect(await connectionNamesOf(app.client_id)).toContain('Username-Password-Authentication');
  });
});
