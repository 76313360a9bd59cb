// Baseline for the token-endpoint benchmark: node-oidc-provider doing client_credentials only, issuing ES256-signed
// JWT access tokens, so Roster is compared with a well-known Node implementation doing the same work.
//
// Usage: node bench/baselines/oidc-provider-cc.mjs [--port 4100]
// Env:   BASELINE_PORT, BASELINE_CLIENT_ID, BASELINE_CLIENT_SECRET (defaults below).
// Prints one line `oidc-provider-cc ready {json}` on stdout once it listens; the json holds token_endpoint,
// client_id, client_secret and audience. oidc-provider takes the API as an RFC 8707 `resource` parameter (it has no
// Auth0-style `audience` parameter at the token endpoint), so requests to it send `resource=<audience>`.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';
import Provider from 'oidc-provider';

const argPort = process.argv.indexOf('--port');
const port = Number(argPort > 0 ? process.argv[argPort + 1] : (process.env.BASELINE_PORT ?? 4100));
const clientId = process.env.BASELINE_CLIENT_ID ?? 'bench-baseline-client';
const clientSecret = process.env.BASELINE_CLIENT_SECRET ?? 'bench-baseline-secret-0123456789abcdef0123456789';
const issuer = `http://127.0.0.1:${port}`;
const audience = `${issuer}/api/`;
const scopes = 'read:things write:things';

// A fresh P-256 signing key per start, like Roster generating its keys into a fresh DATA_DIR.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'ES256',
      scope: scopes,
    },
  ],
  clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
  jwks: { keys: [signingJwk] },
  enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
  scopes: scopes.split(' '),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== audience) throw new Provider.errors.InvalidTarget();
        return {
          scope: scopes,
          audience,
          accessTokenTTL: 86400,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
  ttl: { ClientCredentials: 86400 },
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  const info = { token_endpoint: `${issuer}/token`, client_id: clientId, client_secret: clientSecret, audience };
  process.stdout.write(`oidc-provider-cc ready ${JSON.stringify(info)}\n`);
});

const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
