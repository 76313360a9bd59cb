import { payloadViolation, type Violation } from './violations';

/**
 * URL rules shared by every URL-holding field. What is allowed depends on a policy the aggregate chooses per field
 * (and, for applications, per app type and ownership). Decisions, following RFC 9700 / OAuth 2.1 rather than
 * Auth0's laxer dashboard (Auth0 accepts plain http anywhere):
 * - absolute URLs only; no fragment (RFC 6749 §3.1.2); no userinfo; no whitespace or control characters;
 *   no dot segments (`/../`, `%2e`), because exact matching would otherwise compare different strings;
 * - `javascript:`, `data:`, `vbscript:`, `file:`, `blob:`, `about:`, `filesystem:` are always refused;
 * - http only for loopback hosts (localhost, 127.0.0.0/8, [::1]); everything else must be https;
 * - custom (private-use) schemes only where the policy allows them (native apps);
 * - a wildcard only as the whole leftmost host label (`https://*.example.com/cb`), under at least two more labels,
 *   and only where the policy allows it (never for third-party applications).
 */
export interface UrlPolicy {
  /** 'https': only https (Auth0's initiate_login_uri); 'web': https, or http on loopback; 'any-http': http or https. */
  readonly web: 'https' | 'web' | 'any-http';
  readonly customScheme: boolean;
  readonly wildcard: boolean;
  readonly allowEmpty?: boolean;
  /** Why a wildcard is refused, for the message (e.g. 'for third-party applications'). */
  readonly wildcardRefusal?: string;
}

const FORBIDDEN_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about', 'filesystem']);
const WILDCARD_PLACEHOLDER = 'wildcard-label-placeholder';

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

const isIpHost = (hostname: string): boolean => hostname.startsWith('[') || /^[\d.]+$/.test(hostname);

/** Why `raw` breaks `policy`, as a one-sentence detail, or null when it is fine. */
export const urlProblem = (raw: string, policy: UrlPolicy): string | null => {
  if (raw === '') return policy.allowEmpty ? null : 'URL must not be empty';
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(raw)) return 'URL must not contain whitespace or control characters';
  if (raw.includes('#')) return 'URL must not contain a fragment';

  let candidate = raw;
  const wildcard = raw.includes('*');
  if (wildcard) {
    if (!policy.wildcard)
      return `Wildcards are not allowed${policy.wildcardRefusal ? ` ${policy.wildcardRefusal}` : ''}`;
    const match = /^(https?:\/\/)\*\.([^*/?:]+)(.*)$/i.exec(raw);
    if (!match || match[3].includes('*')) return 'A wildcard is only allowed as the leftmost subdomain label';
    if (match[2].split('.').filter(Boolean).length < 2) return 'A wildcard needs at least two domain labels after it';
    candidate = `${match[1]}${WILDCARD_PLACEHOLDER}.${match[2]}${match[3]}`;
  }

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return 'Must be an absolute URL';
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (FORBIDDEN_SCHEMES.has(scheme)) return `Scheme ${scheme} is not allowed`;
  if (/\/\.{1,2}(\/|$|\?)|%2e/i.test(raw)) return 'URL must not contain dot segments';

  if (scheme === 'http' || scheme === 'https') {
    if (url.hostname === '') return 'URL must have a host';
    if (url.username !== '' || url.password !== '') return 'URL must not contain credentials';
    if (wildcard && isIpHost(url.hostname)) return 'A wildcard is only allowed with a domain name';
    if (scheme === 'http') {
      if (policy.web === 'https') return 'URL must use https';
      if (policy.web === 'web' && !isLoopbackHost(url.hostname)) {
        return 'URL must use https (http is only allowed for loopback hosts)';
      }
    }
    return null;
  }
  return policy.customScheme ? null : `Scheme ${scheme} is not allowed`;
};

/** The URL pass: every field the table marks with a URL kind, checked against the policy for that kind. */
export const checkUrlFields = (
  values: Readonly<Record<string, unknown>>,
  table: Readonly<Record<string, { readonly url?: string }>>,
  policyFor: (kind: string) => UrlPolicy,
): Violation[] =>
  Object.entries(table).flatMap(([key, spec]) => {
    const value = values[key];
    if (!spec.url || value === undefined) return [];
    const policy = policyFor(spec.url);
    const items: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [`${key}[${i}]`, item])
      : [[key, value]];
    return items.flatMap(([path, item]) => {
      const problem = typeof item === 'string' ? urlProblem(item, policy) : 'Expected a URL string';
      return problem ? [payloadViolation(path, problem)] : [];
    });
  });
