import http from 'http';
import https from 'https';
import type { IncomingHttpHeaders } from 'http';
import { RosterError } from '@roster/errors';
import { deliveryAborted } from './connector';

/**
 * POST over node:http / node:https with a keep-alive pool per connector. node:https rather than fetch because
 * `splunkSecure: false` needs an agent with `rejectUnauthorized: false`, and undici's Agent is not a dependency.
 * A request either resolves with the answer (any status) or rejects: `sink_unreachable` (no answer: refused, reset,
 * TLS, timeout; `details.code` says which) or `delivery_aborted`.
 */

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as text, at most MAX_ANSWER_BYTES of it. */
  text: string;
}

export interface PostRequest {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** SIEM answers are small JSON or text; a huge one (a proxy's error page) is cut, never buffered whole. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** Free sockets are closed before the usual 30 s idle timeout of SIEM load balancers (Sumo's ELBs). */
const IDLE_SOCKET_MS = 25_000;

const unreachable = (code: string, cause?: unknown): RosterError =>
  new RosterError('unavailable', 'sink_unreachable', `No answer from the sink (${code})`, {
    cause,
    details: { code },
  });

export const unreachableCode = (error: unknown): string | undefined =>
  error instanceof RosterError && error.code === 'sink_unreachable' ? String(error.details?.code) : undefined;

export class HttpTransport {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  /** `verifyTls: false` accepts any certificate (Splunk's splunkSecure: false). */
  constructor(protocol: 'http:' | 'https:', verifyTls = true) {
    const options = { keepAlive: true, maxSockets: 4, timeout: IDLE_SOCKET_MS };
    this.agent =
      protocol === 'https:' ? new https.Agent({ ...options, rejectUnauthorized: verifyTls }) : new http.Agent(options);
    this.request = protocol === 'https:' ? https.request : http.request;
  }

  post({ url, headers, body, timeoutMs, signal }: PostRequest): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      if (signal?.aborted) return reject(deliveryAborted(signal.reason));
      const req = this.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...headers, 'content-length': String(body.length) },
      });
      let settled = false;
      const settle = (error: unknown, answer?: HttpAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (answer) resolve(answer);
        else reject(error);
      };
      const fail = (error: RosterError): void => {
        settle(error);
        // Destroying drops the socket from the pool: it may be in an unknown state.
        req.destroy();
      };
      const timer = setTimeout(() => fail(unreachable('timeout')), timeoutMs);
      const onAbort = (): void => fail(deliveryAborted(signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });

      req.on('error', (error: NodeJS.ErrnoException) => settle(unreachable(error.code ?? 'network_error', error)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept >= MAX_ANSWER_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
          settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, text });
        });
        res.on('error', (error: NodeJS.ErrnoException) => settle(unreachable(error.code ?? 'ECONNRESET', error)));
        res.on('close', () => settle(unreachable('ECONNRESET')));
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
