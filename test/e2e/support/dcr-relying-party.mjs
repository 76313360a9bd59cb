/* global fetch */
/**
 * A relying party built only from libraries no one here wrote: `openid-client` (discovery, RFC 7591 registration,
 * client_credentials) and `jose` (token verification against the published JWKS). RFC 7592 has no support in
 * openid-client, so those calls are plain fetch with the registration access token, as the RFC describes them.
 *
 * Both libraries are ES modules only and the jest setup is CommonJS, hence a child process: one JSON object on stdin,
 * one on stdout. It records what the server answered and asserts nothing; the e2e spec does. Steps:
 *   - `register`: discovery of `issuer`, then dynamic registration of `metadata`.
 *   - `use`: discovery with the registered credentials, token + verification, then RFC 7592 read, update, delete,
 *     and what the token endpoint and the registration endpoint say after each.
 * A failure the script did not expect exits 1 with the error on stderr.
 */
import { URL } from 'node:url';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const authentication = (method) =>
  ({ client_secret_basic: client.ClientSecretBasic, client_secret_post: client.ClientSecretPost })[method]();

// The server is plain http on 127.0.0.1; openid-client refuses that unless told otherwise.
const options = { execute: [client.allowInsecureRequests] };

/** What an openid-client error says, with the body of a 401 challenge (openid-client stops at the header). */
const refusal = async (error) => {
  const body = error.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' ? await error.response.json() : undefined;
  return {
    ok: false,
    name: error.name,
    code: error.code,
    status: error.status,
    error: error.error ?? body?.error,
    error_description: error.error_description ?? body?.error_description,
  };
};

const attempt = async (run) => {
  try {
    return { ok: true, ...(await run()) };
  } catch (error) {
    if (error.code?.startsWith('OAUTH_')) return refusal(error);
    throw error;
  }
};

const SERVER_ISSUED = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
];

const parse = (text) => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

const call = async (method, uri, token, body) => {
  const response = await fetch(uri, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    www_authenticate: response.headers.get('www-authenticate'),
    text,
    body: parse(text),
  };
};

const register = async ({ issuer, metadata, method }) =>
  attempt(async () => {
    const config = await client.dynamicClientRegistration(new URL(issuer), metadata, authentication(method), options);
    return { server: config.serverMetadata(), registered: config.clientMetadata() };
  });

const grant = (config, audience) =>
  attempt(async () => {
    const { access_token, token_type, expires_in, scope } = await client.clientCredentialsGrant(config, { audience });
    return { access_token, token_type, expires_in, scope };
  });

const use = async ({ issuer, method, audience, registered, renamed }) => {
  const { client_id, client_secret, registration_access_token, registration_client_uri } = registered;
  // A fresh discovery with stored credentials, as a relying party does after a restart.
  const config = await client.discovery(new URL(issuer), client_id, { client_secret }, authentication(method), options);
  const server = config.serverMetadata();

  const token = await grant(config, audience);
  const verified = token.ok
    ? await jwtVerify(token.access_token, createRemoteJWKSet(new URL(server.jwks_uri)), {
        issuer: server.issuer,
        audience,
      }).then(({ payload, protectedHeader }) => ({ payload, protectedHeader }))
    : undefined;

  const read = await call('GET', registration_client_uri, registration_access_token);
  // RFC 7592 §2.2: the whole registration, with what the server issued left out; client_secret may stay when equal.
  const current = { ...read.body };
  for (const issued of SERVER_ISSUED) delete current[issued];
  const update = await call('PUT', registration_client_uri, registration_access_token, {
    ...current,
    client_id,
    client_secret,
    client_name: renamed,
  });
  const newToken = update.body?.registration_access_token;
  const readWithOldToken = await call('GET', registration_client_uri, registration_access_token);
  const readAfterUpdate = await call('GET', registration_client_uri, newToken);
  const tokenAfterUpdate = await grant(config, audience);
  const remove = await call('DELETE', registration_client_uri, newToken);
  const readAfterDelete = await call('GET', registration_client_uri, newToken);
  const tokenAfterDelete = await grant(config, audience);

  return {
    server,
    token,
    verified,
    read,
    update,
    readWithOldToken,
    readAfterUpdate,
    tokenAfterUpdate,
    delete: remove,
    readAfterDelete,
    tokenAfterDelete,
  };
};

let text = '';
for await (const chunk of process.stdin) text += chunk;
const input = JSON.parse(text);
const steps = { register, use };
if (!steps[input.step]) throw new Error(`unknown step ${input.step}`);
process.stdout.write(JSON.stringify(await steps[input.step](input)));
