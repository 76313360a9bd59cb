import { applicationDecider, applicationStream } from '@roster/registry-domain';
import type { ApplicationEvent, ApplicationState } from '@roster/registry-domain';
import { createClient, useAllInOne } from './support-http';

const PATCHES = 50;
const METADATA_LIMIT = 10;

/** Responses whose status is not one of `allowed`, with their index and body, for a readable failure. */
const unexpected = (responses: Array<{ status: number; body?: unknown }>, allowed: number[]) =>
  responses.flatMap((r, i) => (allowed.includes(r.status) ? [] : [{ i, status: r.status, body: r.body }]));

/**
 * Reference §6.7: concurrent PATCHes of one application must never lose an acknowledged update, and the read model
 * must say exactly what the event stream says. client_metadata merges key by key, so every PATCH that got 200 must
 * have left its key; Auth0's limit of 10 metadata keys must hold however the requests interleave.
 */
describe('concurrent updates of one application', () => {
  const { roster, admin } = useAllInOne();

  /** The application's state as a replay of its stream with the domain's own decider. */
  const replay = async (clientId: string): Promise<ApplicationState> => {
    const recorded = await roster.storage.eventStore.readStream(applicationStream('default', clientId));
    const events = recorded.map((e) => ({ type: e.type, data: e.data }) as ApplicationEvent);
    return events.reduce(applicationDecider.evolve, applicationDecider.initialState());
  };

  /** Every settings key of the replayed state has the same value in GET clients/{id}. */
  const expectReadModelEqualsReplay = async (clientId: string) => {
    const state = await replay(clientId);
    expect(state.status).toBe('active');
    if (state.status !== 'active') return;
    const fetched = await admin.api.get(`clients/${clientId}`);
    expect(fetched.status).toBe(200);
    const settingsKeys = Object.keys(state.settings);
    expect(settingsKeys.length).toBeGreaterThan(5);
    const fromReadModel = Object.fromEntries(settingsKeys.map((key) => [key, fetched.body[key]]));
    expect(fromReadModel).toEqual(state.settings);
    expect(fetched.body.client_id).toBe(clientId);
    return { state, document: fetched.body as Record<string, unknown> };
  };

  it(`${PATCHES} concurrent PATCHes, each adding its own metadata key: no acknowledged key is lost, the limit holds`, async () => {
    const app = await createClient(admin.api, { name: 'Contended app', app_type: 'non_interactive' });
    const id = app.client_id;

    const bodies = Array.from({ length: PATCHES }, (_, i) => ({
      client_metadata: { [`key_${i}`]: `value ${i}` },
      ...(i % 5 === 0 ? { description: `description ${i}` } : {}),
    }));
    const responses = await Promise.all(bodies.map((body) => admin.api.patch(`clients/${id}`, body)));

    const statuses = responses.map((r) => r.status);
    // 200: applied; 409: lost the optimistic-concurrency race after the retries; 400: the key would be the 11th.
    expect(unexpected(responses, [200, 400, 409])).toEqual([]);
    for (const response of responses.filter((r) => r.status === 400)) {
      expect(response.body).toMatchObject({
        errorCode: 'invalid_body',
        message: expect.stringContaining('Too many properties defined'),
      });
    }
    const acknowledged = responses.flatMap((r, i) => (r.status === 200 ? [i] : []));
    expect(acknowledged.length).toBeGreaterThan(0);
    // Each 200 answer already shows its own key (read-your-writes).
    for (const i of acknowledged) expect(responses[i].body.client_metadata[`key_${i}`]).toBe(`value ${i}`);

    const final = await admin.api.get(`clients/${id}`);
    const finalKeys = Object.keys(final.body.client_metadata).sort();
    expect(finalKeys).toEqual(acknowledged.map((i) => `key_${i}`).sort());
    expect(finalKeys.length).toBeLessThanOrEqual(METADATA_LIMIT);
    // Refusals happen only once the limit is reached.
    if (statuses.includes(400)) expect(finalKeys).toHaveLength(METADATA_LIMIT);

    const describedBy = acknowledged.filter((i) => i % 5 === 0).map((i) => `description ${i}`);
    if (describedBy.length > 0) expect(describedBy).toContain(final.body.description);
    else expect(final.body.description).toBeUndefined();

    // One ApplicationSettingsChanged per acknowledged PATCH, nothing for the refused ones.
    const recorded = await roster.storage.eventStore.readStream(applicationStream('default', id));
    expect(recorded.map((e) => e.type)).toEqual([
      'ApplicationRegistered',
      ...acknowledged.map(() => 'ApplicationSettingsChanged'),
    ]);

    await expectReadModelEqualsReplay(id);
  });

  it(`${PATCHES} concurrent PATCHes within the limits (10 metadata keys, descriptions, flags) are all kept or refused with 409`, async () => {
    const app = await createClient(admin.api, {
      name: 'Busy app',
      app_type: 'regular_web',
      callbacks: ['https://busy.example.com/cb'],
    });
    const id = app.client_id;
    const flags = ['sso', 'sso_disabled', 'cross_origin_authentication', 'custom_login_page_on', 'oidc_conformant'];
    const bodies = Array.from({ length: PATCHES }, (_, i): Record<string, unknown> => {
      if (i < METADATA_LIMIT) return { client_metadata: { [`team_${i}`]: `owner ${i}` } };
      if (i < 20) return { description: `round ${i}` };
      if (i < 30) return { jwt_configuration: { lifetime_in_seconds: 600 + i } };
      if (i < 40) return { [flags[i % flags.length]]: i % 2 === 0 };
      return {
        client_metadata: { [`team_${i % METADATA_LIMIT}`]: `owner ${i % METADATA_LIMIT}` },
        description: `round ${i}`,
      };
    });
    const responses = await Promise.all(bodies.map((body) => admin.api.patch(`clients/${id}`, body)));
    expect(unexpected(responses, [200, 409])).toEqual([]);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body).toMatchObject({ statusCode: 409, error: 'Conflict', errorCode: expect.any(String) });
    }
    const okMetadata = responses.flatMap((r, i) => (r.status === 200 && i < METADATA_LIMIT ? [`team_${i}`] : []));
    const final = await admin.api.get(`clients/${id}`);
    for (const key of okMetadata) expect(final.body.client_metadata).toHaveProperty(key);

    const outcome = await expectReadModelEqualsReplay(id);
    expect(outcome?.document.client_metadata).toEqual(final.body.client_metadata);
  });
});
