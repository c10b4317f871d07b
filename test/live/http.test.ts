import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/model/errors.js';
import { HttpClient } from '../../src/gateway/http.js';
import { freePort } from './harness.js';

/** The one HTTP client, against a small node server that misbehaves on purpose. */

let server: http.Server;
let base: string;
const hits = new Map<string, number>();
const TOKEN = 'tok-9d2f61c0aa';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    const n = (hits.get(key) ?? 0) + 1;
    hits.set(key, n);
    if (req.url === '/flaky') {
      res.statusCode = n < 3 ? 503 : 200;
      res.end(n < 3 ? 'busy' : 'ok');
    } else if (req.url === '/trailer') {
      res.writeHead(200, { 'content-type': 'application/json', trailer: 'ETag' });
      res.write('{"a":1}');
      res.addTrailers({ etag: '"/config/ abc"' });
      res.end();
    } else if (req.url === '/echo-auth') {
      res.statusCode = 400;
      res.end(JSON.stringify({ error: `bad header ${req.headers.authorization}` }));
    } else if (req.url === '/hang') {
      // never answers
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ driver: 'caddy', product: 'Caddy', baseUrl: base, backoffMs: 5, ...extra });

describe('HttpClient', () => {
  it('retries idempotent requests on 503 with backoff, then succeeds', async () => {
    const c = client();
    expect((await c.request('GET', '/flaky')).text).toBe('ok');
    expect(hits.get('GET /flaky')).toBe(3);
    await c.close();
  });

  it('does not retry a non-idempotent request on 503', async () => {
    const c = client();
    const error = await c.request('POST', '/flaky', { json: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.details).toMatchObject({ driver: 'caddy', method: 'POST', status: 503 });
    expect(hits.get('POST /flaky')).toBe(1);
    await c.close();
  });

  it('reads HTTP trailers (Caddy\'s ETag)', async () => {
    const c = client();
    const response = await c.request('GET', '/trailer');
    expect(response.trailers.etag).toBe('"/config/ abc"');
    await c.close();
  });

  it('sends the token as a bearer header and never logs or echoes it', async () => {
    const lines: string[] = [];
    const c = client({ token: TOKEN, log: (l) => lines.push(l) });
    const error = await c.request('GET', '/echo-auth').catch((e) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.message).toContain('bad header Bearer (secret)');
    expect(error.message).not.toContain(TOKEN);
    expect(lines.join('\n')).toMatch(/http GET .*\/echo-auth \(authorization: Bearer \(redacted\)\) → 400/);
    expect(lines.join('\n')).not.toContain(TOKEN);
    await c.close();
  });

  it('gives up after the whole-request timeout', async () => {
    const c = client({ timeoutMs: 200, retries: 0 });
    const error = await c.request('GET', '/hang').catch((e) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.message).toMatch(/did not answer GET \/hang within 200 ms/);
    await c.close();
  });

  it('explains a refused connection (exit 2)', async () => {
    const port = await freePort();
    const c = new HttpClient({ driver: 'caddy', product: 'Caddy', baseUrl: `http://127.0.0.1:${port}`, backoffMs: 1 });
    const error = await c.request('GET', '/config/').catch((e) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`cannot reach the Caddy admin API at http://127.0.0.1:${port} (ECONNREFUSED); is Caddy running, and is its admin endpoint listening at that address? (check --target)`);
    await c.close();
  });
});
