import { RosterError } from '@roster/errors';

/** A client_credentials request after parsing: who claims to be calling and what it asks for. */
export interface TokenRequest {
  grantType: string;
  clientId: string;
  clientSecret: string;
  /** How the client authenticated: `client_secret_basic` (Authorization header) or `client_secret_post` (body). */
  authMethod: 'client_secret_basic' | 'client_secret_post';
  audience?: string;
  scope?: string[];
}

export const oauthError = (
  status:
    | 'invalid_request'
    | 'invalid_client'
    | 'unauthorized_client'
    | 'unsupported_grant_type'
    | 'invalid_scope'
    | 'access_denied',
  description: string,
): RosterError => {
  const kind = status === 'invalid_client' ? 'unauthorized' : status === 'access_denied' ? 'forbidden' : 'validation';
  return new RosterError(kind, status, description);
};

const field = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  if (value === undefined) return undefined;
  // RFC 6749 §3.2: parameters MUST NOT be included more than once; a repeated form field arrives as an array.
  if (typeof value !== 'string') throw oauthError('invalid_request', `Parameter ${name} must be a single string`);
  return value;
};

/** RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded before being put in the Basic credentials. */
const decodeBasic = (header: string): { clientId: string; clientSecret: string } => {
  const encoded = header.slice(6).trim();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw oauthError('invalid_client', 'Malformed Basic authorization header');
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw oauthError('invalid_client', 'Malformed Basic authorization header');
  }
};

export const parseTokenRequest = (body: unknown, authorization: string | undefined): TokenRequest => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw oauthError('invalid_request', 'The request body must be application/x-www-form-urlencoded or a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const grantType = field(fields, 'grant_type');
  if (!grantType) throw oauthError('invalid_request', 'Missing required parameter: grant_type');
  if (grantType !== 'client_credentials') {
    throw oauthError('unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 100)}`);
  }
  const bodyId = field(fields, 'client_id');
  const bodySecret = field(fields, 'client_secret');
  let credentials: { clientId: string; clientSecret: string; authMethod: TokenRequest['authMethod'] };
  if (authorization && /^basic /i.test(authorization)) {
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method in each request.
    if (bodySecret !== undefined) throw oauthError('invalid_request', 'Use one client authentication method, not both');
    const basic = decodeBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId)
      throw oauthError('invalid_request', 'client_id does not match the Authorization header');
    credentials = { ...basic, authMethod: 'client_secret_basic' };
  } else {
    if (!bodyId) throw oauthError('invalid_request', 'Missing required parameter: client_id');
    if (bodySecret === undefined) throw oauthError('invalid_client', 'Client authentication is required');
    credentials = { clientId: bodyId, clientSecret: bodySecret, authMethod: 'client_secret_post' };
  }
  if (credentials.clientId.length === 0 || credentials.clientId.length > 128)
    throw oauthError('invalid_client', 'Unknown client');
  const scopeText = field(fields, 'scope');
  const scope = scopeText === undefined ? undefined : scopeText.split(' ').filter(Boolean);
  const audience = field(fields, 'audience');
  return { grantType, ...credentials, audience: audience || undefined, scope };
};
