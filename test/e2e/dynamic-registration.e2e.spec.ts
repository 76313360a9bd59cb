import type { LogEvent } from '@roster/logs';
import { RosterInstance, fetchToken, managementClient } from '../support/roster-instance';
import type { ManagementClient } from '../support/roster-instance';
import { storedText } from '../support/stored-text';
import {
  ManagementSession,
  RawResponse,
  createClient,
  expectManagementError,
  expectNoChangeSince,
  expectOAuthError,
  freshSourceAddress,
  grantApi,
  rawRequest,
  tokenRequest,
  useAllInOne,
} from './support-http';

/**
 * Dynamic Client Registration (RFC 7591) and its management (RFC 7592) over HTTP, as notes/dcr-spec.md describes
 * them: the tenant switch, the registration access token's lifecycle, the PUT rules, initial access tokens, abuse
 * limits, what a registered application may do, the log of every call, and that no issued secret is ever stored.
 */

type Json = Record<string, unknown>;

interface Registered extends Json {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
}

const WEB_APP = {
  client_name: 'Reports portal',
  redirect_uris: ['https://portal.example.com/callback'],
  logo_uri: 'https://portal.example.com/logo.png',
};
const WORKER = { client_name: 'Reports worker', grant_types: ['client_credentials'] };
const REPORTS_API = 'https://reports.example.com/';

/** Limits high enough that only the tests about limits ever meet one. */
const NO_LIMITS = { DCR_RATE_LIMIT: '100000', DCR_IP_RATE_LIMIT: '100000000' };

const headPosition = (roster: RosterInstance): Promise<bigint> => roster.storage.eventStore.headPosition();

/**
 * A registration answers before the read models include it (by design: its client reads itself from the write
 * model), so the Management API's lists catch up a moment later. Reads until `shows` holds, for at most 5 s.
 */
const onceCaughtUp = async <T>(read: () => Promise<T>, shows: (value: T) => boolean): Promise<T> => {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (shows(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A second tenant of `roster`, created by the operator tenant, with its own admin client. */
const openTenant = async (
  roster: RosterInstance,
  admin: ManagementSession,
  name: string,
): Promise<ManagementClient> => {
  const created = await admin.api.post('tenants', { name });
  if (created.status !== 201) throw new Error(`creating tenant ${name}: ${created.status}`);
  const { token_endpoint, client_id, client_secret, audience } = created.body;
  return managementClient(
    roster.tenantBase(name),
    await fetchToken(token_endpoint, client_id, client_secret, audience),
  );
};

const changeSettings = async (api: ManagementClient, settings: Json): Promise<void> => {
  const changed = await api.patch('tenants/settings', settings);
  if (changed.status !== 200) throw new Error(`settings ${JSON.stringify(settings)}: ${changed.status}`);
};

const enableRegistration = (api: ManagementClient, extra: Json = {}): Promise<void> =>
  changeSettings(api, { flags: { enable_dynamic_client_registration: true }, ...extra });

const jsonRequest = (
  url: string,
  method: string,
  body: unknown,
  options: { token?: string; from?: string } = {},
): Promise<RawResponse> =>
  rawRequest(url, {
    method,
    localAddress: options.from,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** RFC 7592 §2 / RFC 6750 §3: a refused bearer token, announced in WWW-Authenticate. */
const expectInvalidToken = (response: RawResponse): void => {
  expectOAuthError(response, 401, 'invalid_token');
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
};

/** Fails the test with the server's answer unless the registration got a 201. */
const registered = (response: RawResponse): Registered => {
  if (response.status !== 201) throw new Error(`registration: ${response.status} ${response.text}`);
  return response.json as Registered;
};

/** Every secret a response issued: client secrets, registration access tokens, initial access tokens. */
const secretsOf = (body: unknown): string[] => {
  const json = (body ?? {}) as Json;
  return ['client_secret', 'registration_access_token', 'token']
    .map((key) => json[key])
    .filter((value): value is string => typeof value === 'string');
};

const expectNoneStored = async (roster: RosterInstance, secrets: string[]): Promise<void> => {
  const { events, readModels, tables } = await storedText(roster);
  expect(tables).toBeGreaterThan(0);
  expect(events).toContain('dynamic_registration');
  for (const secret of secrets) {
    expect(events.includes(secret) ? secret : undefined).toBeUndefined();
    expect(readModels.includes(secret) ? secret : undefined).toBeUndefined();
  }
};

describe('dynamic client registration', () => {
  const { roster, admin } = useAllInOne(NO_LIMITS);
  let base: string;
  /** Every secret issued to this roster, to look for in its store at the end. */
  const issued: string[] = [];
  /** Each test registers from its own address, so no per-address budget is shared between tests. */
  let from: string;

  const register = async (body: unknown, options: { token?: string; tenantBase?: string } = {}) => {
    const response = await jsonRequest(`${options.tenantBase ?? base}/oidc/register`, 'POST', body, {
      token: options.token,
      from,
    });
    issued.push(...secretsOf(response.json));
    return response;
  };
  const manage = async (uri: string, method: 'GET' | 'PUT' | 'DELETE', token: string | undefined, body?: unknown) => {
    const response = await jsonRequest(uri, method, body, { token, from });
    issued.push(...secretsOf(response.json));
    return response;
  };

  beforeAll(async () => {
    base = roster.tenantBase();
    await enableRegistration(admin.api);
  });
  beforeEach(() => {
    from = freshSourceAddress();
  });

  it('is off on a new tenant: 403 access_denied, and nothing is stored', async () => {
    const closed = await openTenant(roster, admin, 'closed');
    const settings = await closed.get('tenants/settings');
    expect(settings.body.flags.enable_dynamic_client_registration).toBe(false);
    const before = await headPosition(roster);
    const refused = await register(WEB_APP, { tenantBase: roster.tenantBase('closed') });
    expectOAuthError(refused, 403, 'access_denied');
    await expectNoChangeSince(roster, before);
    expect((await closed.get('clients')).body.map((c: { name: string }) => c.name)).toEqual(['Bootstrap Admin']);
  });

  it('registers a confidential web client and answers its RFC 7591 metadata', async () => {
    const response = await register(WEB_APP);
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const client = registered(response);
    expect(client).toEqual({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
      registration_access_token: expect.any(String),
      registration_client_uri: `${base}/oidc/register/${client.client_id}`,
      client_name: 'Reports portal',
      application_type: 'web',
      redirect_uris: WEB_APP.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      logo_uri: WEB_APP.logo_uri,
    });
    const read = await manage(client.registration_client_uri, 'GET', client.registration_access_token);
    expect(read.status).toBe(200);
    const { client_secret: _secret, registration_access_token: _token, ...metadata } = client;
    expect(read.json).toEqual(metadata);
  });

  describe('registration access token', () => {
    it('is replaced on PUT: the new token works and the old one is refused', async () => {
      const client = registered(await register(WEB_APP));
      const put = await manage(client.registration_client_uri, 'PUT', client.registration_access_token, {
        ...WEB_APP,
        client_id: client.client_id,
        client_name: 'Reports portal v2',
      });
      expect(put.status).toBe(200);
      const replaced = put.json as Registered;
      expect(replaced).toMatchObject({ client_id: client.client_id, client_name: 'Reports portal v2' });
      expect(replaced.registration_access_token).toEqual(expect.any(String));
      expect(replaced.registration_access_token).not.toBe(client.registration_access_token);

      const withNew = await manage(client.registration_client_uri, 'GET', replaced.registration_access_token);
      expect(withNew.status).toBe(200);
      expect(withNew.json).toMatchObject({ client_name: 'Reports portal v2' });
      expectInvalidToken(await manage(client.registration_client_uri, 'GET', client.registration_access_token));
      expectInvalidToken(
        await manage(client.registration_client_uri, 'DELETE', client.registration_access_token, undefined),
      );
    });

    it('is refused after DELETE, and the application is gone', async () => {
      const client = registered(await register(WEB_APP));
      expect((await admin.api.get(`clients/${client.client_id}`)).status).toBe(200);
      const deleted = await manage(client.registration_client_uri, 'DELETE', client.registration_access_token);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expectInvalidToken(await manage(client.registration_client_uri, 'GET', client.registration_access_token));
      expectInvalidToken(await manage(client.registration_client_uri, 'DELETE', client.registration_access_token));
      expectManagementError(await admin.api.get(`clients/${client.client_id}`), 404, 'inexistent_client');
    });

    it("of one client is refused on another's URI exactly as for an unknown client", async () => {
      const a = registered(await register(WEB_APP));
      const b = registered(await register(WORKER));
      const crossed = await manage(b.registration_client_uri, 'GET', a.registration_access_token);
      const unknown = await manage(`${base}/oidc/register/no-such-client`, 'GET', a.registration_access_token);
      expectInvalidToken(crossed);
      expectInvalidToken(unknown);
      expect(crossed.text).toBe(unknown.text);

      const before = await headPosition(roster);
      expectInvalidToken(await manage(b.registration_client_uri, 'DELETE', a.registration_access_token));
      expectInvalidToken(
        await manage(b.registration_client_uri, 'PUT', a.registration_access_token, {
          ...WORKER,
          client_id: b.client_id,
        }),
      );
      await expectNoChangeSince(roster, before);
      const own = await manage(b.registration_client_uri, 'GET', b.registration_access_token);
      expect(own.status).toBe(200);
      expect(own.json).toMatchObject({ client_name: WORKER.client_name });
    });

    it('is refused for the same client path under another tenant', async () => {
      const acme = await openTenant(roster, admin, 'acme');
      await enableRegistration(acme);
      const client = registered(await register(WEB_APP));
      const elsewhere = `${roster.tenantBase('acme')}/oidc/register/${client.client_id}`;
      const before = await headPosition(roster);
      expectInvalidToken(await manage(elsewhere, 'GET', client.registration_access_token));
      expectInvalidToken(
        await manage(elsewhere, 'PUT', client.registration_access_token, { ...WEB_APP, client_id: client.client_id }),
      );
      expectInvalidToken(await manage(elsewhere, 'DELETE', client.registration_access_token));
      await expectNoChangeSince(roster, before);
      expect((await manage(client.registration_client_uri, 'GET', client.registration_access_token)).status).toBe(200);
    });

    it('is accepted in the Authorization header only, not in the query string', async () => {
      const client = registered(await register(WEB_APP));
      const token = encodeURIComponent(client.registration_access_token);
      expectInvalidToken(await manage(`${client.registration_client_uri}?access_token=${token}`, 'GET', undefined));
      expectInvalidToken(await manage(`${client.registration_client_uri}?access_token=${token}`, 'DELETE', undefined));
      expect((await admin.api.get(`clients/${client.client_id}`)).status).toBe(200);
    });
  });

  describe('RFC 7592 PUT', () => {
    let client: Registered;
    let token: string;
    const put = (body: unknown) => manage(client.registration_client_uri, 'PUT', token, body);
    /** A refused PUT changes nothing, and the token it carried still works. */
    const expectRefused = async (body: unknown, error = 'invalid_client_metadata') => {
      const before = await headPosition(roster);
      expectOAuthError(await put(body), 400, error);
      await expectNoChangeSince(roster, before);
    };

    beforeAll(async () => {
      from = freshSourceAddress();
      client = registered(await register(WEB_APP));
      token = client.registration_access_token;
    });

    it('needs client_id, equal to the client being replaced', async () => {
      await expectRefused(WEB_APP);
      await expectRefused({ ...WEB_APP, client_id: 'someone-else' });
      await expectRefused({ ...WEB_APP, client_id: null });
    });

    it.each([
      ['registration_access_token', () => token],
      ['registration_client_uri', () => client.registration_client_uri],
      ['client_secret_expires_at', () => 0],
      ['client_id_issued_at', () => client.client_id_issued_at],
    ])('refuses the server-issued %s, even with its current value', async (field, value) => {
      await expectRefused({ ...WEB_APP, client_id: client.client_id, [field]: value() });
    });

    it('accepts the current client_secret and refuses any other', async () => {
      await expectRefused({ ...WEB_APP, client_id: client.client_id, client_secret: 'not-the-secret' });
      await expectRefused({ ...WEB_APP, client_id: client.client_id, client_secret: 12345 });
      const accepted = await put({ ...WEB_APP, client_id: client.client_id, client_secret: client.client_secret });
      expect(accepted.status).toBe(200);
      token = (accepted.json as Registered).registration_access_token;
      // The secret is not the client's to choose, and keeping it is no reason to issue a new one.
      expect(accepted.json).not.toHaveProperty('client_secret');
    });

    it('removes a field the body leaves out', async () => {
      const { logo_uri: _logo, ...withoutLogo } = WEB_APP;
      const replaced = await put({ ...withoutLogo, client_id: client.client_id, client_uri: 'https://example.com/' });
      expect(replaced.status).toBe(200);
      token = (replaced.json as Registered).registration_access_token;
      expect(replaced.json).not.toHaveProperty('logo_uri');
      expect(replaced.json).toMatchObject({ client_uri: 'https://example.com/' });
      const read = await manage(client.registration_client_uri, 'GET', token);
      expect(read.json).not.toHaveProperty('logo_uri');
      const app = await admin.api.get(`clients/${client.client_id}`);
      expect(app.status).toBe(200);
      expect(app.body.logo_uri).toBeUndefined();
    });

    it('changes nothing and keeps the token when it fails', async () => {
      const before = await manage(client.registration_client_uri, 'GET', token);
      await expectRefused(
        { client_id: client.client_id, client_name: 'Renamed', redirect_uris: ['not a url'] },
        'invalid_redirect_uri',
      );
      await expectRefused({ client_id: client.client_id, client_name: 'Renamed', grant_types: ['password'] });
      const after = await manage(client.registration_client_uri, 'GET', token);
      expect(after.status).toBe(200);
      expect(after.json).toEqual(before.json);
    });
  });

  describe('initial access tokens', () => {
    let gated: ManagementClient;
    let gatedBase: string;
    const issue = async (body: Json): Promise<{ id: string; token: string } & Json> => {
      const created = await gated.post('initial-access-tokens', body);
      expect(created.status).toBe(201);
      issued.push(...secretsOf(created.body));
      return created.body;
    };
    const registerGated = (token?: string) => register(WORKER, { token, tenantBase: gatedBase });

    beforeAll(async () => {
      gated = await openTenant(roster, admin, 'gated');
      gatedBase = roster.tenantBase('gated');
      await enableRegistration(gated, { dynamic_client_registration: { require_initial_access_token: true } });
    });

    it('are required when the tenant says so: 401 invalid_token without one, and nothing stored', async () => {
      const real = await issue({});
      const before = await headPosition(roster);
      expectInvalidToken(await registerGated());
      expectInvalidToken(await registerGated('iat_nothing.made-up'));
      expectInvalidToken(await registerGated(`${real.id}.not-the-secret`));
      await expectNoChangeSince(roster, before);
    });

    it('register exactly as many clients as their count', async () => {
      const iat = await issue({ count: 2 });
      expect(iat).toEqual({
        id: expect.stringMatching(/^iat_/),
        token: expect.stringMatching(new RegExp(`^${iat.id}\\.`)),
        created_at: expect.any(String),
        expires_at: expect.any(String),
        count: 2,
        remaining_count: 2,
      });
      expect(Date.parse(iat.expires_at as string) - Date.parse(iat.created_at as string)).toBe(86400_000);
      registered(await registerGated(iat.token));
      const listed = (await gated.get('initial-access-tokens')).body as Json[];
      expect(listed.find((t) => t.id === iat.id)).toMatchObject({ count: 2, remaining_count: 1 });
      registered(await registerGated(iat.token));
      expectInvalidToken(await registerGated(iat.token));
      const after = (await gated.get('initial-access-tokens')).body as Json[];
      expect(after.map((t) => t.id)).not.toContain(iat.id);
    });

    it('count 3 used by 8 parallel registrations: exactly 3 succeed', async () => {
      const iat = await issue({ count: 3 });
      const answers = await Promise.all(Array.from({ length: 8 }, () => registerGated(iat.token)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 201, 201, 401, 401, 401, 401, 401]);
      answers.filter((a) => a.status === 401).forEach(expectInvalidToken);
      const ids = answers.filter((a) => a.status === 201).map((a) => (a.json as Registered).client_id);
      for (const id of ids) expect((await gated.get(`clients/${id}`)).status).toBe(200);
    });

    it('are refused once expired', async () => {
      const iat = await issue({ expires_in: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expectInvalidToken(await registerGated(iat.token));
    });

    it('are refused once revoked', async () => {
      const iat = await issue({ count: 5 });
      expect((await gated.delete(`initial-access-tokens/${iat.id}`)).status).toBe(204);
      expectInvalidToken(await registerGated(iat.token));
      expectManagementError(await gated.delete(`initial-access-tokens/${iat.id}`), 404);
    });

    it('are listed without the token or its hash', async () => {
      const iat = await issue({ count: 4, expires_in: 3600 });
      const list = await gated.get('initial-access-tokens');
      expect(list.status).toBe(200);
      const text = JSON.stringify(list.body);
      expect(text).not.toContain(iat.token);
      expect(text).not.toContain(iat.token.split('.')[1]);
      expect(text).not.toMatch(/hash/);
      const { token: _token, ...entry } = iat;
      expect(list.body).toContainEqual(entry);
      for (const listed of list.body as Json[])
        expect(Object.keys(listed).sort()).toEqual(['count', 'created_at', 'expires_at', 'id', 'remaining_count']);
    });

    it.each([
      ['expires_in 0', { expires_in: 0 }],
      ['negative expires_in', { expires_in: -5 }],
      ['fractional expires_in', { expires_in: 1.5 }],
      ['expires_in as text', { expires_in: '60' }],
      ['count 0', { count: 0 }],
      ['count as text', { count: 'two' }],
      ['an unknown field', { uses: 3 }],
      ['an array body', [{ count: 1 }]],
    ])('refuses %s with an Auth0 400', async (_case, body) => {
      const before = await headPosition(roster);
      expectManagementError(await gated.post('initial-access-tokens', body), 400);
      await expectNoChangeSince(roster, before);
    });
  });

  describe('request bodies', () => {
    it('over 64 KB: 413 in the OAuth shape, nothing stored', async () => {
      const before = await headPosition(roster);
      const huge = await register({ ...WEB_APP, padding: 'p'.repeat(70 * 1024) });
      expectOAuthError(huge, 413, 'invalid_request');
      await expectNoChangeSince(roster, before);
    });

    it('that is not JSON, or not an object: 400 in the OAuth shape, nothing stored', async () => {
      const before = await headPosition(roster);
      const url = `${base}/oidc/register`;
      const broken = await rawRequest(url, {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json' },
        body: '{"client_name": ',
      });
      expectOAuthError(broken, 400, 'invalid_request');
      expectOAuthError(await register([WEB_APP]), 400, 'invalid_client_metadata');
      expectOAuthError(await register('a string'), 400, 'invalid_client_metadata');
      const text = await rawRequest(url, {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(WORKER),
      });
      expectOAuthError(text, 400, 'invalid_client_metadata');
      expectOAuthError(await rawRequest(url, { method: 'POST', localAddress: from }), 400, 'invalid_client_metadata');
      await expectNoChangeSince(roster, before);
    });

    it('that is form-encoded: refused (RFC 7591 §3.1 registers JSON only), nothing stored', async () => {
      const before = await headPosition(roster);
      const form = new URLSearchParams([
        ['client_name', 'Form portal'],
        ['redirect_uris', 'https://a.example.com/cb'],
        ['redirect_uris', 'https://b.example.com/cb'],
      ]);
      const response = await rawRequest(`${base}/oidc/register`, {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      issued.push(...secretsOf(response.json));
      const refused = response.status === 400 || response.status === 415;
      expect(refused ? 'refused' : `answered ${response.status}`).toBe('refused');
      expectOAuthError(response, response.status, (response.json as Json).error as string);
      await expectNoChangeSince(roster, before);
    });
  });

  describe('registered applications', () => {
    it('are third-party, with only the tenant’s domain connections', async () => {
      const domain = await admin.api.post('connections', {
        name: 'partners',
        strategy: 'auth0',
        is_domain_connection: true,
      });
      expect(domain.status).toBe(201);
      const inHouse = await admin.api.post('connections', { name: 'staff', strategy: 'auth0' });
      expect(inHouse.status).toBe(201);

      const client = registered(await register(WEB_APP));
      const app = await admin.api.get(`clients/${client.client_id}`);
      expect(app.status).toBe(200);
      expect(app.body).toMatchObject({ is_first_party: false, third_party_security_mode: 'strict' });

      const connections = await onceCaughtUp(
        () => admin.api.get(`clients/${client.client_id}/connections`),
        (response) => response.body.connections?.length > 0,
      );
      expect(connections.status).toBe(200);
      expect(connections.body.connections.map((c: { name: string }) => c.name)).toEqual(['partners']);
      const clientsOf = async (id: string) =>
        ((await admin.api.get(`connections/${id}/clients`)).body.clients as Array<{ client_id: string }>).map(
          (c) => c.client_id,
        );
      expect(await clientsOf(domain.body.id)).toContain(client.client_id);
      expect(await clientsOf(inHouse.body.id)).not.toContain(client.client_id);
    });

    it('cannot be granted the Management API; granted an API, they get a client_credentials token', async () => {
      const worker = registered(await register(WORKER));
      expect(worker).toMatchObject({ grant_types: ['client_credentials'], redirect_uris: [] });
      const refused = await admin.api.post('client-grants', {
        client_id: worker.client_id,
        audience: roster.bootstrap.audience,
        scope: ['read:clients'],
      });
      expectManagementError(refused, 403, 'third_party_system_api');
      expect((await admin.api.get(`client-grants?client_id=${worker.client_id}`)).body).toEqual([]);

      await grantApi(admin.api, worker.client_id, REPORTS_API, ['read:reports']);
      const auth = { method: 'basic' as const, clientId: worker.client_id, clientSecret: worker.client_secret! };
      const answer = await tokenRequest(
        roster.bootstrap.token_endpoint,
        { grant_type: 'client_credentials', audience: REPORTS_API },
        auth,
        from,
      );
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ token_type: 'Bearer', scope: 'read:reports' });
      issued.push((answer.json as { access_token: string }).access_token);
      const management = await tokenRequest(
        roster.bootstrap.token_endpoint,
        { grant_type: 'client_credentials', audience: roster.bootstrap.audience },
        auth,
        from,
      );
      expectOAuthError(management, 403, 'access_denied');
    });
  });

  it('logs every registration call with its channel and the registered client', async () => {
    const client = registered(await register(WORKER));
    const uri = client.registration_client_uri;
    expect((await manage(uri, 'GET', client.registration_access_token)).status).toBe(200);
    const put = await manage(uri, 'PUT', client.registration_access_token, { ...WORKER, client_id: client.client_id });
    expect(put.status).toBe(200);
    const token = (put.json as Registered).registration_access_token;
    expect((await manage(uri, 'DELETE', token)).status).toBe(204);
    const refused = await register({ ...WEB_APP, redirect_uris: ['https://portal.example.com/cb#fragment'] });
    expectOAuthError(refused, 400, 'invalid_redirect_uri');

    const q = encodeURIComponent(`client_id:"${client.client_id}"`);
    const logs = (await admin.api.get(`logs?q=${q}&sort=date:1&per_page=100`)).body as LogEvent[];
    expect(
      logs.map((log) => {
        const request = (log.details as { request: Json }).request;
        return [log.type, request.method, request.path, request.channel, log.client_id];
      }),
    ).toEqual([
      ['sapi', 'POST', '/tenants/default/oidc/register', 'dynamic_client_registration', client.client_id],
      [
        'sapi',
        'GET',
        `/tenants/default/oidc/register/${client.client_id}`,
        'dynamic_client_registration',
        client.client_id,
      ],
      [
        'sapi',
        'PUT',
        `/tenants/default/oidc/register/${client.client_id}`,
        'dynamic_client_registration',
        client.client_id,
      ],
      [
        'sapi',
        'DELETE',
        `/tenants/default/oidc/register/${client.client_id}`,
        'dynamic_client_registration',
        client.client_id,
      ],
    ]);

    const failures = (await admin.api.get(`logs?q=type:fapi&per_page=100`)).body as LogEvent[];
    const failed = failures.find((log) => JSON.stringify(log.details).includes('#fragment'));
    expect(failed?.details).toMatchObject({
      request: { method: 'POST', path: '/tenants/default/oidc/register', channel: 'dynamic_client_registration' },
      response: { statusCode: 400, body: { error: 'invalid_redirect_uri' } },
    });
  });

  it('stores none of the client secrets, registration access tokens or initial access tokens it issued', async () => {
    expect(issued.length).toBeGreaterThan(30);
    await expectNoneStored(roster, issued);
  });
});

describe('dynamic client registration limits', () => {
  describe('with the default rate limits', () => {
    const { roster, admin } = useAllInOne();

    beforeAll(() => enableRegistration(admin.api));

    it('answers a burst of 10 registrations with some 429 temporarily_unavailable and Retry-After', async () => {
      const from = freshSourceAddress();
      const url = `${roster.tenantBase()}/oidc/register`;
      const answers = await Promise.all(Array.from({ length: 10 }, () => jsonRequest(url, 'POST', WORKER, { from })));
      const limited = answers.filter((a) => a.status === 429);
      expect(answers.filter((a) => a.status !== 429).map((a) => a.status)).toEqual(expect.arrayContaining([201]));
      expect(answers.every((a) => a.status === 201 || a.status === 429)).toBe(true);
      expect(limited.length).toBeGreaterThan(0);
      for (const answer of limited) {
        expectOAuthError(answer, 429, 'temporarily_unavailable');
        expect(answer.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      }
      await expectNoneStored(
        roster,
        answers.flatMap((a) => secretsOf(a.json)),
      );
    });
  });

  describe('with DCR_MAX_CLIENTS=2', () => {
    const { roster, admin } = useAllInOne({ ...NO_LIMITS, DCR_MAX_CLIENTS: '2' });
    const from = freshSourceAddress();

    beforeAll(() => enableRegistration(admin.api));

    it('refuses the third registration with invalid_client_metadata until one is deleted', async () => {
      const url = `${roster.tenantBase()}/oidc/register`;
      // Applications made through the Management API do not count.
      await createClient(admin.api, { name: 'Made by hand', app_type: 'non_interactive' });
      const first = registered(await jsonRequest(url, 'POST', WORKER, { from }));
      registered(await jsonRequest(url, 'POST', WORKER, { from }));

      const before = await headPosition(roster);
      expectOAuthError(await jsonRequest(url, 'POST', WORKER, { from }), 400, 'invalid_client_metadata');
      await expectNoChangeSince(roster, before);

      const deleted = await jsonRequest(first.registration_client_uri, 'DELETE', undefined, {
        token: first.registration_access_token,
        from,
      });
      expect(deleted.status).toBe(204);
      registered(await jsonRequest(url, 'POST', WORKER, { from }));
      expectOAuthError(await jsonRequest(url, 'POST', WORKER, { from }), 400, 'invalid_client_metadata');
    });

    it('lets exactly 2 of 8 parallel registrations through on a tenant with none yet', async () => {
      await enableRegistration(await openTenant(roster, admin, 'rush'));
      const url = `${roster.tenantBase('rush')}/oidc/register`;
      const answers = await Promise.all(Array.from({ length: 8 }, () => jsonRequest(url, 'POST', WORKER, { from })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 400, 400, 400, 400, 400, 400]);
      answers.filter((a) => a.status === 400).forEach((a) => expectOAuthError(a, 400, 'invalid_client_metadata'));
    });
  });
});
