import { spawn } from 'child_process';
import * as path from 'path';
import { grantApi, useAllInOne } from './support-http';

/**
 * Dynamic Client Registration against libraries no one here wrote: `openid-client` discovers the tenant, registers a
 * client (RFC 7591) and gets a client_credentials token with it; `jose` verifies the token against the published
 * JWKS; the registration is then read, replaced and deleted per RFC 7592. Both libraries are ES modules only, so
 * they run in a child process (support/dcr-relying-party.mjs) and this suite asserts on what it recorded.
 */

const RELYING_PARTY = path.join(__dirname, 'support', 'dcr-relying-party.mjs');
const AUDIENCE = 'https://reports.example.com/';
const SCOPE = 'read:reports';

type Json = Record<string, unknown>;
/** An openid-client call: its result, or the refusal it reported (`status`, OAuth `error`). */
type Outcome = { ok: boolean } & Json;
interface HttpRecord {
  status: number;
  www_authenticate: string | null;
  text: string;
  body?: Json;
}
interface Registered extends Json {
  client_id: string;
  client_secret: string;
  registration_access_token: string;
  registration_client_uri: string;
}
interface Use {
  token: Outcome;
  verified?: { payload: Json; protectedHeader: Json };
  read: HttpRecord;
  update: HttpRecord;
  readWithOldToken: HttpRecord;
  readAfterUpdate: HttpRecord;
  tokenAfterUpdate: Outcome;
  delete: HttpRecord;
  readAfterDelete: HttpRecord;
  tokenAfterDelete: Outcome;
}

/** One step of the relying party. Asynchronous on purpose: this very process is the server it talks to. */
const relyingParty = <T>(input: { step: 'register' | 'use' } & Json): Promise<T> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RELYING_PARTY], { stdio: 'pipe', timeout: 100_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve(JSON.parse(stdout) as T)
        : reject(new Error(`relying party (${input.step}) exited with ${code ?? signal}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(input));
  });

/** The outcome of an openid-client call that must have succeeded; a refusal fails the test with what it said. */
const succeeded = <T extends Outcome>(outcome: T): T => {
  if (!outcome.ok) throw new Error(`openid-client was refused: ${JSON.stringify(outcome)}`);
  return outcome;
};

/** RFC 6750 §3.1 as the DCR spec words it for a refused registration access token. */
const expectInvalidToken = (record: HttpRecord): void => {
  expect(record).toMatchObject({
    status: 401,
    body: { error: 'invalid_token', error_description: expect.stringMatching(/\S/) },
    www_authenticate: expect.stringMatching(/^Bearer .*error="invalid_token"/),
  });
};

describe('DCR interop: openid-client registers, jose verifies, RFC 7592 manages', () => {
  const { roster, admin } = useAllInOne();
  let base: string;
  let issuer: string;

  const setDcr = async (enabled: boolean): Promise<void> => {
    const patched = await admin.api.patch('tenants/settings', {
      flags: { enable_dynamic_client_registration: enabled },
    });
    if (patched.status !== 200) throw new Error(`DCR flag: ${patched.status} ${JSON.stringify(patched.body)}`);
  };

  const metadataFor = (method: string) => ({
    client_name: `Reports exporter (${method})`,
    application_type: 'web',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: method,
    client_uri: 'https://exporter.example.com/',
    contacts: ['ops@exporter.example.com'],
    software_id: 'reports-exporter',
    software_version: '1.4.0',
  });

  beforeAll(async () => {
    base = roster.tenantBase();
    // The issuer identifier carries the trailing slash; openid-client checks the document's issuer against it.
    issuer = `${base}/`;
  });

  it('reports the 403 access_denied of a tenant that has not turned registration on', async () => {
    await setDcr(false);
    const metadata = metadataFor('client_secret_basic');
    const run = await relyingParty<Outcome>({ step: 'register', issuer, method: 'client_secret_basic', metadata });
    expect(run).toMatchObject({ ok: false, name: 'ResponseBodyError', status: 403, error: 'access_denied' });
    const clients = await admin.api.get('clients');
    expect(clients.status).toBe(200);
    expect((clients.body as Json[]).map((c) => c.name)).not.toContain(metadata.client_name);
  });

  it.each(['client_secret_basic', 'client_secret_post'])(
    'a %s client registers through discovery, gets a token jose verifies, then reads, replaces and deletes itself',
    async (method) => {
      await setDcr(true);
      const metadata = metadataFor(method);
      const registration = succeeded(
        await relyingParty<Outcome & { server: Json; registered: Registered }>({
          step: 'register',
          issuer,
          method,
          metadata,
        }),
      );
      expect(registration).toMatchObject({
        server: { issuer, registration_endpoint: `${base}/oidc/register`, jwks_uri: `${base}/.well-known/jwks.json` },
      });
      const { registered } = registration;
      const { client_id } = registered;
      expect(registered).toMatchObject({
        ...metadata,
        client_id: expect.any(String),
        client_secret: expect.any(String),
        client_id_issued_at: expect.any(Number),
        client_secret_expires_at: 0,
        registration_access_token: expect.any(String),
        registration_client_uri: `${base}/oidc/register/${client_id}`,
      });

      // A third-party application of the tenant, as the Management API sees it.
      const managed = await admin.api.get(`clients/${client_id}`);
      expect(managed).toMatchObject({
        status: 200,
        body: {
          client_id,
          name: metadata.client_name,
          is_first_party: false,
          token_endpoint_auth_method: method,
          grant_types: ['client_credentials'],
        },
      });
      // Registration alone grants no API: the tenant's admin decides what the client may call.
      await grantApi(admin.api, client_id, AUDIENCE, [SCOPE]);

      const renamed = `Reports exporter v2 (${method})`;
      const run = await relyingParty<Use>({ step: 'use', issuer, method, audience: AUDIENCE, registered, renamed });

      // openid-client lower-cases token_type (RFC 6749 §5.1: case-insensitive).
      expect(succeeded(run.token)).toMatchObject({
        token_type: 'bearer',
        scope: SCOPE,
        expires_in: expect.any(Number),
      });
      expect(run.verified).toMatchObject({
        protectedHeader: { alg: 'ES256', kid: expect.any(String) },
        payload: {
          iss: issuer,
          aud: AUDIENCE,
          sub: `${client_id}@clients`,
          azp: client_id,
          scope: SCOPE,
          gty: 'client-credentials',
        },
      });

      expect(run.read).toMatchObject({ status: 200, body: { ...metadata, client_id } });
      expect(run.read.body).not.toHaveProperty('client_secret');
      expect(run.read.body).not.toHaveProperty('registration_access_token');

      expect(run.update).toMatchObject({
        status: 200,
        body: {
          ...metadata,
          client_id,
          client_name: renamed,
          registration_client_uri: registered.registration_client_uri,
          registration_access_token: expect.any(String),
        },
      });
      expect(run.update.body?.registration_access_token).not.toBe(registered.registration_access_token);
      expectInvalidToken(run.readWithOldToken);
      expect(run.readAfterUpdate).toMatchObject({ status: 200, body: { client_id, client_name: renamed } });
      // The replacement kept the authentication method and the secret: the same openid-client setup still works.
      expect(succeeded(run.tokenAfterUpdate)).toMatchObject({ scope: SCOPE });

      expect(run.delete).toMatchObject({ status: 204, text: '' });
      expectInvalidToken(run.readAfterDelete);
      expect(run.tokenAfterDelete).toMatchObject({ ok: false, status: 401, error: 'invalid_client' });
      expect((await admin.api.get(`clients/${client_id}`)).status).toBe(404);
    },
  );
});
