import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { expect } from 'vitest';
import { CADDY, OTHER_BODY, call, freePort, tempDir, type Run } from '../live/harness.js';

/**
 * Fault tests: a Caddy that can be SIGKILLed and restarted (with or without its autosaved
 * config), two gwctl configs whose traffic tells them apart, a check of what the gateway really
 * serves, and the journal reader.
 */

export const KEYS = {
  /** the OLD config's consumer key: route /v1/items */
  old: 'old-key-4b9e2c7a1d',
  /** the NEW config's consumer key: route /v2/things */
  next: 'new-key-8f1a6d3c0e',
};

export const KEY_ENV = { OLD_KEY: KEYS.old, NEW_KEY: KEYS.next };

function config(route: { name: string; path: string }, keyEnv: string, upstream: string): string {
  return `format: gwctl/v1
gateway:
  name: fault-test
  defaults:
    rateLimit: { requests: 100, per: second, key: consumer }
tenants:
  - name: shop
    owner: shop-team@example.com
services:
  - name: items
    tenant: shop
    upstream:
      targets:
        - url: ${upstream}
    routes:
      - name: ${route.name}
        paths: [${route.path}]
        methods: [GET]
        auth: { type: key }
consumers:
  - name: app
    tenant: shop
    credentials:
      - type: key
        key: \${env:${keyEnv}}
    subscriptions:
      - service: items
        status: approved
        approvedBy: owner@example.com
`;
}

/** OLD: GET /v1/items with key OLD_KEY. */
export const oldConfig = (upstream: string) => config({ name: 'list-items', path: '/v1/items' }, 'OLD_KEY', upstream);
/** NEW: GET /v2/things with key NEW_KEY (/v1/items is gone). */
export const newConfig = (upstream: string) => config({ name: 'list-things', path: '/v2/things' }, 'NEW_KEY', upstream);

export type Served = 'old' | 'new' | 'none' | 'mixed';

/**
 * What the managed server really serves, by real requests through Caddy's listener. Each config
 * is a set of answers that must ALL hold; anything else is a mix (or nothing, when the listener
 * is down or serves neither route).
 */
export async function served(gateway: string): Promise<{ state: Served; answers: Record<string, number> }> {
  const probe = async (pathname: string, key?: string): Promise<number> => {
    try {
      return (await call(`${gateway}${pathname}`, key ? { headers: { 'x-api-key': key } } : {})).status;
    } catch {
      return 0; // nothing listening
    }
  };
  const answers = {
    'v1+old': await probe('/v1/items', KEYS.old),
    'v1+new': await probe('/v1/items', KEYS.next),
    'v1': await probe('/v1/items'),
    'v2+new': await probe('/v2/things', KEYS.next),
    'v2+old': await probe('/v2/things', KEYS.old),
    'v2': await probe('/v2/things'),
  };
  const is = (expected: Record<string, number>) => Object.entries(expected).every(([k, v]) => answers[k as keyof typeof answers] === v);
  const oldSet = { 'v1+old': 200, 'v1+new': 401, 'v1': 401, 'v2+new': 404, 'v2+old': 404, 'v2': 404 };
  const newSet = { 'v1+old': 404, 'v1+new': 404, 'v1': 404, 'v2+new': 200, 'v2+old': 401, 'v2': 401 };
  const noneSet = Object.fromEntries(Object.keys(answers).map((k) => [k, 0]));
  const state: Served = is(oldSet) ? 'old' : is(newSet) ? 'new' : is(noneSet) ? 'none' : 'mixed';
  return { state, answers };
}

export interface Journal {
  file: string;
  result: string;
  gateway: 'old' | 'new' | 'partial' | 'unknown';
  steps: Array<{ request: string; status: string; error?: string; note?: string; undoError?: string }>;
  done: string[];
  undone: string[];
  notApplied: string[];
  unknown: string[];
  error?: string;
  planned: Array<{ action: string; kind: string; key: string }>;
}

/** The journals of a project, oldest first (names are timestamps). */
export function journals(project: string): Journal[] {
  const dir = path.join(project, '.gwctl', 'journal');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((name) => ({ file: name, ...JSON.parse(readFileSync(path.join(dir, name), 'utf8')) }));
}

export { gwctlAsync as gwctl } from '../support/gwctl.js';

export interface KillableCaddy {
  adminUrl: string;
  otherUrl: string;
  dir: string;
  /** whether Caddy autosaves its config (admin.config.persist) */
  persist: boolean;
  running(): boolean;
  config(): Promise<{ text: string; etag: string | undefined }>;
  /** POST /load: puts a whole config back (test setup only; gwctl never uses /load) */
  load(text: string): Promise<void>;
  kill(): Promise<void>;
  /** starts Caddy again: `caddy run --config FILE --resume` (the autosave wins when there is one) */
  restart(): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * A private Caddy like the harness's (admin on a free 127.0.0.1 port, an unmanaged server
 * `other`, data and config folders in a temp dir), that can be killed and restarted.
 */
export async function startKillableCaddy(options: { persist: boolean }): Promise<KillableCaddy> {
  const dir = tempDir('gwctl-faults-caddy-');
  const [adminPort, otherPort] = [await freePort(), await freePort()];
  const file = path.join(dir, 'caddy.json');
  writeFileSync(file, JSON.stringify({
    admin: { listen: `127.0.0.1:${adminPort}`, config: { persist: options.persist } },
    apps: {
      http: { servers: { other: { listen: [`127.0.0.1:${otherPort}`], routes: [{ handle: [{ handler: 'static_response', body: OTHER_BODY }] }] } } },
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  }));
  for (const sub of ['data', 'config', 'home']) mkdirSync(path.join(dir, sub));
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  let child: ChildProcess | undefined;
  let logs = '';

  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const config = async () => {
    const response = await request(`${adminUrl}/config/`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    const text = await response.body.text();
    return { text, etag: (response.trailers as Record<string, string | undefined>).etag };
  };
  const launch = async () => {
    const c = spawn(CADDY, ['run', '--config', file, '--resume'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(dir, 'home'), XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    c.stdout!.on('data', (d) => { logs += d; });
    c.stderr!.on('data', (d) => { logs += d; });
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (exited(c)) throw new Error(`caddy exited (${c.exitCode ?? c.signalCode}):\n${logs}`);
      try {
        await config();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`caddy's admin API did not come up on ${adminUrl}:\n${logs}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child;
    if (!c || exited(c)) return;
    const done = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await done;
    clearTimeout(timer);
  };
  await launch();
  return {
    adminUrl,
    otherUrl: `http://127.0.0.1:${otherPort}/`,
    dir,
    persist: options.persist,
    running: () => child !== undefined && !exited(child),
    config,
    async load(text) {
      const response = await request(`${adminUrl}/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      const answer = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`POST /load: ${response.statusCode} ${answer}`);
    },
    kill: () => kill('SIGKILL'),
    restart: launch,
    logs: () => logs,
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The unmanaged server still answers: gwctl never touched it, whatever failed. */
export async function expectOtherServerUp(caddy: KillableCaddy): Promise<void> {
  const reply = await call(caddy.otherUrl);
  expect(reply.status).toBe(200);
  expect(reply.text).toBe(OTHER_BODY);
}
