import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';

/**
 * Live-test harness: a real Caddy per test file (admin API on a free 127.0.0.1 port, config not
 * persisted, its data and config folders and HOME in a temp dir), node upstream and forward-auth
 * servers, and the real bin/gwctl.js run as a child process.
 *
 * Every Caddy starts with an UNMANAGED server `other` (a static answer on its own port) that
 * gwctl must never touch; tests check it still answers after every apply.
 */

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export { BIN } from '../support/gwctl.js';
export const CADDY = process.env.GWCTL_TEST_CADDY ?? '/usr/bin/caddy';
export const OTHER_BODY = 'unmanaged server says hello';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'gwctl-live-'): string {
  // realpath: macOS-style /tmp symlinks would otherwise make the project root differ from cwd.
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CaddyProcess {
  adminUrl: string;
  otherUrl: string;
  dir: string;
  /** GET /config/ body (exact bytes) and ETag */
  config(): Promise<{ text: string; etag: string | undefined }>;
  logs(): string;
  stop(): Promise<void>;
}

export async function startCaddy(): Promise<CaddyProcess> {
  const dir = tempDir('gwctl-caddy-');
  const adminPort = await freePort();
  const otherPort = await freePort();
  const config = {
    admin: { listen: `127.0.0.1:${adminPort}`, config: { persist: false } },
    apps: {
      http: {
        servers: {
          other: {
            listen: [`127.0.0.1:${otherPort}`],
            routes: [{ handle: [{ handler: 'static_response', body: OTHER_BODY }] }],
          },
        },
      },
      // Never touch the machine's trust store from a test.
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
  const file = path.join(dir, 'caddy.json');
  writeFileSync(file, JSON.stringify(config));
  for (const sub of ['data', 'config', 'home']) mkdirSync(path.join(dir, sub));
  const child = spawn(CADDY, ['run', '--config', file], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(dir, 'home'), XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout!.on('data', (d) => { logs += d; });
  child.stderr!.on('data', (d) => { logs += d; });
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const caddy: CaddyProcess = {
    adminUrl,
    otherUrl: `http://127.0.0.1:${otherPort}/`,
    dir,
    async config() {
      const response = await request(`${adminUrl}/config/`);
      const text = await response.body.text();
      const etag = (response.trailers as Record<string, string | undefined>).etag;
      return { text, etag };
    },
    logs: () => logs,
    stop: () => stopProcess(child, dir),
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`caddy exited (${child.exitCode}):\n${logs}`);
    try {
      await caddy.config();
      return caddy;
    } catch {
      if (Date.now() > deadline) {
        await caddy.stop();
        throw new Error(`caddy's admin API did not come up on ${adminUrl}:\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function stopProcess(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

export interface NodeServer {
  port: number;
  url: string;
  /** requests seen, newest last */
  seen: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

function serve(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<NodeServer> {
  return new Promise((resolve) => {
    const seen: NodeServer['seen'] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        handler(req, body, res);
      });
    });
    server.keepAliveTimeout = 1_000;
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port, url: `http://127.0.0.1:${port}`, seen,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

/** An upstream that answers every request with JSON naming itself (`marker`), the method and the path. */
export function startUpstream(marker: string): Promise<NodeServer> {
  return serve((req, body, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ marker, method: req.method, path: req.url, host: req.headers.host, body }));
  });
}

/** A forward-auth service: 200 for `Authorization: Bearer <token>`, else 401 with its own body. */
export function startForwardAuth(token: string): Promise<NodeServer> {
  return serve((req, _body, res) => {
    if (req.headers.authorization === `Bearer ${token}`) {
      res.statusCode = 200;
      res.end();
    } else {
      res.statusCode = 401;
      res.end('denied by the forward-auth service');
    }
  });
}

export { gwctlAsync as gwctl, type Run } from '../support/gwctl.js';

export interface Reply {
  status: number;
  text: string;
  json?: { marker?: string; method?: string; path?: string; body?: string };
}

const insecure = new Agent({ connect: { rejectUnauthorized: false } });
const plain = new Agent({ keepAliveTimeout: 10 });

/** A real request through Caddy. `servername` sets SNI for TLS (certificate checks off). */
export async function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; servername?: string } = {}): Promise<Reply> {
  const tls = url.startsWith('https:');
  const dispatcher = tls
    ? (options.servername ? new Agent({ connect: { rejectUnauthorized: false, servername: options.servername } }) : insecure)
    : plain;
  const response = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: options.headers,
    body: options.body,
    dispatcher,
  });
  const text = await response.body.text();
  let json: Reply['json'];
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (tls && options.servername) await dispatcher.close();
  return json === undefined ? { status: response.statusCode, text } : { status: response.statusCode, text, json };
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
