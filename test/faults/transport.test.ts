import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/model/errors.js';
import { backoffDelay, HttpClient, isIdempotent, shouldRetry, TransportError } from '../../src/gateway/http.js';
import { isLoopbackHost, transportWarnings } from '../../src/gateway/targets.js';
import { OTHER_BODY, startCaddy, startUpstream, tempDir, type CaddyProcess, type NodeServer } from '../live/harness.js';
import { faults, startFaultProxy, type FaultProxy } from './proxy.js';
import { gwctl, KEY_ENV, oldConfig } from './support.js';

/**
 * The admin API transport: which requests are retried (counted by the proxy in front of a real
 * Caddy), backoff and its bound, timeouts, TLS verification with and without --ca, and the
 * warning for plain http:// to a host that is not loopback (a pure decision; no traffic leaves
 * 127.0.0.1 in these tests).
 */

let caddy: CaddyProcess;
let upstream: NodeServer;
let proxy: FaultProxy;
let dir: string;

beforeAll(async () => {
  [caddy, upstream] = await Promise.all([startCaddy(), startUpstream('transport-upstream')]);
  proxy = await startFaultProxy({ upstream: caddy.adminUrl });
  dir = tempDir('gwctl-transport-');
});

afterAll(async () => {
  await Promise.all([proxy?.close(), caddy?.stop(), upstream?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => proxy.reset());

const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ driver: 'caddy', product: 'Caddy', baseUrl: proxy.url, backoffMs: 20, ...extra });

async function attempt(method: string, options: { idempotent?: boolean; json?: unknown } = {}, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}, at = '/config/admin') {
  const c = client(extra);
  try {
    const response = await c.request(method, at, options);
    return { response, error: undefined, count: proxy.seen.length };
  } catch (error) {
    return { response: undefined, error: error as GatewayError, count: proxy.seen.length };
  } finally {
    await c.close();
  }
}

describe('retries: idempotent requests on connection errors and 502/503/504 only, at most 3 attempts', () => {
  it('GET on 503: retried, succeeds on the third attempt', async () => {
    proxy.setFault(faults.first(2, { kind: 'status', status: 503 }));
    const { response, count } = await attempt('GET');
    expect(response?.status).toBe(200);
    expect(count).toBe(3);
  });

  it.each([502, 503, 504])('GET on %i every time: 3 attempts, then an error saying so', async (status) => {
    proxy.setFault(faults.always({ kind: 'status', status }));
    const { error, count } = await attempt('GET');
    expect(count).toBe(3);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error!.message).toBe(`the Caddy admin API refused GET /config/admin: ${status} injected ${status} (3 attempts).`);
  });

  it('GET on 500: never retried', async () => {
    proxy.setFault(faults.always({ kind: 'status', status: 500 }));
    const { error, count } = await attempt('GET');
    expect(count).toBe(1);
    expect(error!.details.status).toBe(500);
  });

  it('GET on 400/404: never retried', async () => {
    proxy.setFault(faults.always({ kind: 'status', status: 404 }));
    expect((await attempt('GET')).count).toBe(1);
  });

  it('GET on a reset connection: retried, 3 attempts', async () => {
    proxy.setFault(faults.always({ kind: 'reset', when: 'before' }));
    const { error, count } = await attempt('GET');
    expect(count).toBe(3);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).sent).toBe(true);
    expect(error!.message).toMatch(/failed during GET \/config\/admin \(.*; 3 attempts\)/);
  });

  it.each([['PUT', 502], ['DELETE', 504], ['HEAD', 503]] as const)('%s (idempotent by method) on %i: retried', async (method, status) => {
    proxy.setFault(faults.always({ kind: 'status', status }));
    expect((await attempt(method)).count).toBe(3);
  });

  it.each([['POST', 503], ['PATCH', 503], ['POST', 502], ['PATCH', 504]] as const)('%s on %i: never retried', async (method, status) => {
    proxy.setFault(faults.always({ kind: 'status', status }));
    expect((await attempt(method, { json: {} })).count).toBe(1);
  });

  it.each(['POST', 'PATCH'])('%s on a reset after it was sent: never retried', async (method) => {
    proxy.setFault(faults.always({ kind: 'reset', when: 'before' }));
    const { error, count } = await attempt(method, { json: {} });
    expect(count).toBe(1);
    expect((error as TransportError).sent).toBe(true);
  });

  it('a PUT the caller marks non-idempotent (Caddy inserts into arrays): never retried', async () => {
    proxy.setFault(faults.always({ kind: 'status', status: 503 }));
    expect((await attempt('PUT', { idempotent: false, json: {} })).count).toBe(1);
  });

  it('a PATCH the caller marks idempotent (explicitly safe): retried', async () => {
    proxy.setFault(faults.first(1, { kind: 'status', status: 503 }));
    // Writes the unmanaged server's body with the value it already has: a harmless reload.
    const { response, count } = await attempt('PATCH', { idempotent: true, json: OTHER_BODY }, {}, '/config/apps/http/servers/other/routes/0/handle/0/body');
    expect(count).toBe(2);
    expect(response?.status).toBe(200);
    expect(proxy.seen.map((r) => r.forwarded)).toEqual([false, true]);
  });

  it('backs off exponentially between attempts', async () => {
    proxy.setFault(faults.always({ kind: 'status', status: 503 }));
    await attempt('GET', {}, { backoffMs: 100 });
    const [a, b, c] = proxy.seen.map((r) => r.at);
    // 100 ms · 2^n ± 25 %: ≥ 75 ms, then ≥ 150 ms
    expect(b! - a!).toBeGreaterThanOrEqual(70);
    expect(c! - b!).toBeGreaterThanOrEqual(145);
    expect(c! - b!).toBeGreaterThan((b! - a!) * 1.1);
  });

  it('the decision functions', () => {
    for (const m of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'get']) expect(isIdempotent(m)).toBe(true);
    for (const m of ['POST', 'PATCH']) expect(isIdempotent(m)).toBe(false);
    const base = { idempotent: true, attempt: 0, retries: 2 };
    expect(shouldRetry({ ...base, status: 503 })).toBe(true);
    expect(shouldRetry({ ...base, status: 500 })).toBe(false);
    expect(shouldRetry({ ...base, status: 429 })).toBe(false);
    expect(shouldRetry({ ...base, code: 'ECONNRESET' })).toBe(true);
    expect(shouldRetry({ ...base, code: 'TIMEOUT' })).toBe(false);
    expect(shouldRetry({ ...base, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).toBe(false);
    expect(shouldRetry({ ...base, attempt: 2, status: 503 })).toBe(false);
    const post = { idempotent: false, attempt: 0, retries: 2 };
    expect(shouldRetry({ ...post, status: 503 })).toBe(false);
    expect(shouldRetry({ ...post, code: 'ECONNRESET' })).toBe(false);
    expect(shouldRetry({ ...post, code: 'UND_ERR_SOCKET' })).toBe(false);
    // The connection was never made: nothing was sent, so even a POST may go again.
    expect(shouldRetry({ ...post, code: 'ECONNREFUSED' })).toBe(true);
    expect(shouldRetry({ ...post, code: 'UND_ERR_CONNECT_TIMEOUT' })).toBe(true);
    expect(backoffDelay(100, 0, () => 0)).toBe(75);
    expect(backoffDelay(100, 2, () => 1)).toBe(500);
  });
});

describe('redirects', () => {
  it('are never followed: the token cannot be carried to another address', async () => {
    const elsewhere = await startUpstream('elsewhere');
    try {
      proxy.setFault(faults.always({ kind: 'status', status: 307, body: '', headers: { location: `${elsewhere.url}/config/` } }));
      const c = client({ token: 'tok-never-elsewhere' });
      const error = await c.request('GET', '/config/').catch((e) => e);
      await c.close();
      expect(error).toBeInstanceOf(GatewayError);
      expect(error.details.status).toBe(307);
      expect(proxy.seen).toHaveLength(1);
      expect(elsewhere.seen).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('timeouts', () => {
  it('a request held past the timeout fails once (not retried), naming the URL and the limit', async () => {
    proxy.setFault(faults.always({ kind: 'hang' }));
    const started = Date.now();
    const { error, count } = await attempt('GET', {}, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(count).toBe(1);
    expect(error).toBeInstanceOf(TransportError);
    expect(error!.message).toBe(`the Caddy admin API at ${proxy.url} did not answer GET /config/admin within 300 ms (--timeout); check that it is not overloaded, or raise --timeout.`);
  });

  it('gwctl plan --timeout MS: exit 2 with that message', async () => {
    writeFileSync(path.join(dir, 'gw.yaml'), oldConfig(upstream.url));
    proxy.setFault(faults.always({ kind: 'delay', ms: 2_000, when: 'before' }));
    const started = Date.now();
    const run = await gwctl(['plan', 'gw.yaml', '--target', `caddy+${proxy.url}?listen=127.0.0.1:1&tls=off`, '--timeout', '300', '--allow-unenforced', 'rate-limit,tls'], { cwd: dir, env: KEY_ENV });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toBe(`gwctl: the Caddy admin API at ${proxy.url} did not answer GET /config/ within 300 ms (--timeout); check that it is not overloaded, or raise --timeout.\n`);
  });
});

describe('TLS to the admin API: verified by default, --ca for a private CA', () => {
  let selfSigned: FaultProxy;
  let caSigned: FaultProxy;
  let args: (url: string) => string[];

  beforeAll(async () => {
    const sh = (cmd: string, ...a: string[]) => execFileSync(cmd, a, { cwd: dir, stdio: 'ignore' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    // A self-signed certificate for 127.0.0.1, and a leaf signed by a private CA.
    sh('openssl', 'req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    sh('openssl', 'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=gwctl test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    sh('openssl', 'req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(path.join(dir, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
    sh('openssl', 'x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
    writeFileSync(path.join(dir, 'not-a-cert.pem'), 'hello\n');
    writeFileSync(path.join(dir, 'gw.yaml'), oldConfig(upstream.url));
    const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
    selfSigned = await startFaultProxy({ upstream: caddy.adminUrl, tls: { key: read('self.key'), cert: read('self.pem') } });
    caSigned = await startFaultProxy({ upstream: caddy.adminUrl, tls: { key: read('leaf.key'), cert: read('leaf.pem') } });
    args = (url) => ['plan', 'gw.yaml', '--target', `caddy+${url}?listen=127.0.0.1:1&tls=off`, '--allow-unenforced', 'rate-limit,tls'];
  });

  afterAll(async () => {
    await Promise.all([selfSigned?.close(), caSigned?.close()]);
  });

  const plan = (extra: string[], url: string) => gwctl([...args(url), ...extra], { cwd: dir, env: KEY_ENV });

  it('a self-signed certificate without --ca: exit 2, says to pass --ca, sends nothing', async () => {
    selfSigned.reset();
    const run = await plan([], selfSigned.url);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^gwctl: cannot trust the Caddy admin API at ${selfSigned.url}: its TLS certificate cannot be verified \\(DEPTH_ZERO_SELF_SIGNED_CERT: self.signed certificate\\); pass the CA that signed it with --ca FILE\\. gwctl never turns certificate checks off\\.\n$`));
    expect(selfSigned.seen).toHaveLength(0);
  });

  it('a self-signed certificate with --ca (that certificate): works', async () => {
    selfSigned.reset();
    const run = await plan(['--ca', 'self.pem'], selfSigned.url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Plan for caddy at https:\/\/127\.0\.0\.1:\d+/);
    expect(selfSigned.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /config/']);
  });

  it('a private CA: without --ca refused (exit 2), with --ca ca.pem works, with the wrong CA refused', async () => {
    caSigned.reset();
    const without = await plan([], caSigned.url);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/its TLS certificate cannot be verified \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\); pass the CA that signed it with --ca FILE/);
    const right = await plan(['--ca', 'ca.pem'], caSigned.url);
    expect(right.code, right.stderr).toBe(0);
    const wrong = await plan(['--ca', 'self.pem'], caSigned.url);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/cannot be verified .*\(the --ca bundle given does not verify it\)/);
    expect(caSigned.seen).toHaveLength(1);
  });

  it('--ca that is not a PEM certificate, or missing: a usage error before any traffic (exit 2)', async () => {
    caSigned.reset();
    const bad = await plan(['--ca', 'not-a-cert.pem'], caSigned.url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('gwctl: --ca not-a-cert.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA bundle that signed the admin API\'s certificate.\n');
    const missing = await plan(['--ca', 'nope.pem'], caSigned.url);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('gwctl: --ca nope.pem cannot be read (ENOENT).\n');
    expect(caSigned.seen).toHaveLength(0);
  });

  it('plain HTTP to an https:// URL says so', async () => {
    const c = new HttpClient({ driver: 'caddy', product: 'Caddy', baseUrl: proxy.url.replace('http:', 'https:'), retries: 0 });
    const error = await c.request('GET', '/config/').catch((e) => e);
    await c.close();
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toMatch(/^TLS with the Caddy admin API at https:\/\/127\.0\.0\.1:\d+ failed \((ERR_SSL_WRONG_VERSION_NUMBER|EPROTO)\); does it really speak HTTPS on that port \(else use http:\/\/\)\?$/);
  });
});

describe('plain http:// to a host that is not loopback', () => {
  it('is warned about (a pure decision: no request is made)', () => {
    expect(transportWarnings({ url: 'http://10.1.2.3:2019' })).toEqual([
      expect.stringMatching(/^the admin API http:\/\/10\.1\.2\.3:2019 is plain http:\/\/ on a host that is not loopback: the rendered config \(API keys, password hashes\) cross the network unencrypted\. Use https:\/\//),
    ]);
    expect(transportWarnings({ url: 'http://caddy-admin.internal:2019', token: 't0k' })[0]).toMatch(/and the admin token cross the network unencrypted/);
    expect(transportWarnings({ url: 'http://[2001:db8::1]:2019' })).toHaveLength(1);
    expect(transportWarnings({ url: 'http://0.0.0.0:2019' })).toHaveLength(1);
    for (const url of ['http://127.0.0.1:2019', 'http://127.8.9.10:2019', 'http://localhost:2019', 'http://admin.localhost:2019', 'http://[::1]:2019', 'http://[::ffff:127.0.0.1]:2019', 'https://10.1.2.3:2019', 'https://caddy-admin.internal']) {
      expect(transportWarnings({ url }), url).toEqual([]);
    }
    expect(transportWarnings({ url: 'http://127.0.0.1:2019', ca: 'pem' })).toEqual(['--ca is ignored: the admin API http://127.0.0.1:2019 is plain http://.']);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });

  it('the warnings reach stderr before anything is sent (shown with --ca on a loopback http:// target)', async () => {
    writeFileSync(path.join(dir, 'gw.yaml'), oldConfig(upstream.url));
    const run = await gwctl(['plan', 'gw.yaml', '--target', `caddy+${proxy.url}?listen=127.0.0.1:1&tls=off`, '--ca', 'ca.pem', '--allow-unenforced', 'rate-limit,tls'], { cwd: dir, env: KEY_ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(`gwctl: warning: --ca is ignored: the admin API ${proxy.url} is plain http://.\n`);
    expect(run.stderr).not.toMatch(/not loopback/);
  });
});
