import { request as httpRequest } from 'http';
import { fetchToken, managementClient, startRoster } from '../support/roster-instance';
import type { ManagementClient, RosterInstance } from '../support/roster-instance';

/**
 * HTTP helpers shared by the e2e suites: raw requests (exact bytes and headers, a chosen source address), token
 * requests in both client authentication methods, and assertions for the two error shapes the registry speaks.
 */

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * Local address to connect from (any of 127.0.0.0/8). The token endpoint counts failed client authentications per
   * source address, so suites that fail on purpose use their own address to keep the others' budget untouched.
   */
  localAddress?: string;
}

/** One request with node:http, so the body is sent exactly as given (no added content type) and the source is chosen. */
export const rawRequest = (url: string, options: RawRequest = {}): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        localAddress: options.localAddress,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });

let nextHost = 10;
/** A loopback source address no other test of this process has used (127.0.0.10, .11, ...). */
export const freshSourceAddress = (): string => `127.0.0.${nextHost++}`;

export type TokenAuth =
  | { method: 'post'; clientId: string; clientSecret?: string }
  | { method: 'basic'; clientId: string; clientSecret: string }
  | { method: 'both'; clientId: string; clientSecret: string };

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they go into the Basic credentials. */
export const basicHeader = (clientId: string, clientSecret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

/** A form-encoded token request; `auth` decides where the credentials go. */
export const tokenRequest = (
  tokenEndpoint: string,
  params: Record<string, string>,
  auth?: TokenAuth,
  localAddress?: string,
): Promise<RawResponse> => {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth && auth.method !== 'basic') {
    form.set('client_id', auth.clientId);
    if (auth.clientSecret !== undefined) form.set('client_secret', auth.clientSecret);
  }
  if (auth && auth.method !== 'post') headers.authorization = basicHeader(auth.clientId, auth.clientSecret);
  return rawRequest(tokenEndpoint, { method: 'POST', headers, body: form.toString(), localAddress });
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

/** Auth0's Management API error: exactly `{statusCode, error, message, errorCode}`, message non-empty. */
export const expectManagementError = (
  response: { status: number; body?: unknown; json?: unknown },
  status: number,
  errorCode?: string,
): void => {
  const body = 'json' in response ? response.json : response.body;
  expect({ status: response.status, body }).toEqual({
    status,
    body: {
      statusCode: status,
      error: REASON[status] ?? expect.any(String),
      message: expect.stringMatching(/\S/),
      errorCode: errorCode ?? expect.stringMatching(/^[a-z_]+$/),
    },
  });
};

/** RFC 6749 §5.2: exactly `{error, error_description}`, no-store. */
export const expectOAuthError = (response: RawResponse, status: number, error: string): void => {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: { error, error_description: expect.stringMatching(/\S/) },
  });
  expect(response.headers['cache-control']).toBe('no-store');
};

export interface ManagementSession {
  token: string;
  api: ManagementClient;
}

/** A Management API token of `default` for `app` (client_credentials, client_secret_post), and a client for it. */
export const managementSession = async (
  roster: RosterInstance,
  app: { client_id: string; client_secret?: string },
): Promise<ManagementSession> => {
  if (app.client_secret === undefined) throw new Error(`application ${app.client_id} has no client secret`);
  const { token_endpoint, audience } = roster.bootstrap;
  const token = await fetchToken(token_endpoint, app.client_id, app.client_secret, audience);
  return { token, api: managementClient(roster.tenantBase(), token) };
};

/** The bootstrap admin of `default`, with a fresh Management API token and a client for it. */
export const adminSession = (roster: RosterInstance): Promise<ManagementSession> =>
  managementSession(roster, roster.bootstrap);

export interface AllInOne {
  roster: RosterInstance;
  /** Its bootstrap admin of `default`, signed in once when it starts. */
  admin: ManagementSession;
}

/**
 * The all-in-one process of a describe block: a beforeAll starts it (`startRoster(env)`) and signs in its bootstrap
 * admin, an afterAll stops it. Jest runs a block's hooks in the order they are declared, so the block's own beforeAll
 * and afterAll, declared after this call, run while the process is up.
 *
 * `roster` and `admin` exist before the hooks have run, so the block can destructure them where it declares its
 * variables: they read through to the started instance, and throw when read before it has started.
 */
export const useAllInOne = (env: Record<string, string> = {}): AllInOne => {
  let roster: RosterInstance | undefined;
  let admin: ManagementSession | undefined;
  beforeAll(async () => {
    roster = await startRoster(env);
    admin = await adminSession(roster);
  });
  afterAll(() => roster?.stop());

  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('useAllInOne: the process has not started yet; read it in hooks and tests');
    return value;
  };
  return {
    roster: {
      get url() {
        return started(roster).url;
      },
      get dataDir() {
        return started(roster).dataDir;
      },
      get bootstrap() {
        return started(roster).bootstrap;
      },
      get storage() {
        return started(roster).storage;
      },
      tenantBase: (tenant) => started(roster).tenantBase(tenant),
      stop: () => started(roster).stop(),
    },
    admin: {
      get token() {
        return started(admin).token;
      },
      get api() {
        return started(admin).api;
      },
    },
  };
};

/** Creates an application and fails loudly unless the Management API answers 201. */
export const createClient = async (
  api: ManagementClient,
  body: Record<string, unknown>,
): Promise<{ client_id: string; client_secret?: string } & Record<string, unknown>> => {
  const created = await api.post('clients', body);
  if (created.status !== 201)
    throw new Error(`creating ${JSON.stringify(body)}: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
};

/** Creates an API (resource server) and a client grant of `scopes` on it for `clientId`. */
export const grantApi = async (
  api: ManagementClient,
  clientId: string,
  identifier: string,
  scopes: string[],
  definedScopes: string[] = scopes,
): Promise<void> => {
  const existing = await api.get(`resource-servers/${encodeURIComponent(identifier)}`);
  if (existing.status === 404) {
    const created = await api.post('resource-servers', {
      name: `API ${identifier}`.replace(/[<>]/g, ''),
      identifier,
      scopes: definedScopes.map((value) => ({ value })),
    });
    if (created.status !== 201)
      throw new Error(`creating API ${identifier}: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const grant = await api.post('client-grants', { client_id: clientId, audience: identifier, scope: scopes });
  if (grant.status !== 201) throw new Error(`granting ${identifier}: ${grant.status} ${JSON.stringify(grant.body)}`);
};

/** The payload of a compact JWS, unverified (for reading claims only). */
export const jwtPayload = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

export const jwtHeader = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * "Changed nothing": since `before`, the event store holds log events only (every call, refused ones included, is
 * logged as `sapi`/`fapi`), no event of any aggregate.
 */
export const expectNoChangeSince = async (roster: RosterInstance, before: bigint): Promise<void> => {
  const since = await roster.storage.eventStore.readAll({ after: before, limit: 100_000 });
  expect(since.filter((e) => !e.streamId.startsWith('logs-')).map((e) => `${e.type} ${e.streamId}`)).toEqual([]);
};
