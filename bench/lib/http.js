'use strict';
// Minimal HTTP client on node:http with explicit keep-alive agents, so a benchmark can tell its connections apart
// (e.g. the projection-lag writer and its pollers never share a socket).
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { URLSearchParams } = require('node:url');

const newAgent = (maxSockets = 16) => new http.Agent({ keepAlive: true, maxSockets });
const defaultAgent = newAgent(16);

/**
 * @returns {Promise<{ status: number, headers: object, text: string, json: any }>}
 * `body`: an object is sent as JSON, a URLSearchParams as a form, a string as is.
 */
const request = (method, url, { token, body, headers = {}, agent = defaultAgent, timeoutMs = 30000 } = {}) =>
  new Promise((resolve, reject) => {
    let payload;
    const h = { accept: 'application/json', ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body instanceof URLSearchParams) {
      payload = body.toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    } else if (typeof body === 'string') {
      payload = body;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
    const req = http.request(url, { method, headers: h, agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });

/** Like `request` but throws unless the status is one of `expect`; returns the parsed JSON body. */
const requestOk = async (method, url, options = {}, expect = [200, 201, 204]) => {
  const res = await request(method, url, options);
  if (!expect.includes(res.status)) {
    throw new Error(
      `${method} ${url} answered ${res.status} (expected ${expect.join('/')}): ${res.text.slice(0, 500)}`,
    );
  }
  return res.json;
};

module.exports = { request, requestOk, newAgent };
