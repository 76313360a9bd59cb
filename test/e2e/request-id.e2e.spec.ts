import { useAllInOne } from './support-http';

/** A request's X-Request-Id is echoed, and the events it made record it: an event leads back to its call's logs. */
describe('request ids', () => {
  const { roster, admin } = useAllInOne();

  it('records the caller and the request id with the events of a Management API write', async () => {
    const response = await fetch(`${roster.tenantBase()}/api/v2/clients`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin.token}`,
        'content-type': 'application/json',
        'x-request-id': 'deploy-42.create-worker',
      },
      body: JSON.stringify({ name: 'Traced', app_type: 'non_interactive' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('deploy-42.create-worker');
    const { client_id } = (await response.json()) as { client_id: string };
    const events = await roster.storage.eventStore.readStream(`application-default:${client_id}`);
    expect(events.map((e) => [e.type, e.metadata])).toEqual([
      ['ApplicationRegistered', { actor: roster.bootstrap.client_id, request_id: 'deploy-42.create-worker' }],
    ]);
  });
});
