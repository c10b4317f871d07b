import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCaddy } from '../../src/gateway/drivers/caddy/fetch.js';
import { CaddyDriver } from '../../src/gateway/drivers/caddy/index.js';
import { applyCaddy, StaleConfigError } from '../../src/gateway/drivers/caddy/operate.js';
import type { CaddyNative, CaddySnapshot } from '../../src/gateway/drivers/caddy/types.js';
import { HttpClient } from '../../src/gateway/http.js';
import { applyCommand } from '../../src/cli/gateway-commands.js';
import { liveConfig, SECRETS, type LiveConfigOptions } from './configs.js';
import {
  basic, call, freePort, gwctl, OTHER_BODY, startCaddy, startForwardAuth, startUpstream, tempDir,
  type CaddyProcess, type NodeServer, type Run,
} from './harness.js';

/**
 * The Caddy driver against a real Caddy 2.6.2: plan, apply, drift through bin/gwctl.js, real
 * traffic through the managed server, and an unmanaged server that must keep answering.
 */

let caddy: CaddyProcess;
let upstream: NodeServer;
let authz: NodeServer;
let project: string;
let listen: string;
let gateway: string;
let target: string;
const outputs: string[] = [];
const ALLOW = ['--allow-unenforced', 'rate-limit,tls'];
const FORWARD_TOKEN = 'forward-token-not-a-gwctl-secret';

const env = (overrides: Record<string, string> = {}) => ({
  ALICE_KEY: SECRETS.aliceKey, PENDING_KEY: SECRETS.pendingKey, REJECTED_KEY: SECRETS.rejectedKey, ...overrides,
});

async function run(args: string[], overrides: Record<string, string> = {}): Promise<Run> {
  const result = await gwctl(args, { cwd: project, env: env(overrides) });
  outputs.push(result.stdout, result.stderr);
  return result;
}

function writeConfig(options: Partial<LiveConfigOptions> = {}, file = 'gw.yaml'): void {
  writeFileSync(path.join(project, file), liveConfig({ upstream: upstream.url, forwardAuth: authz.url, ...options }));
}

beforeAll(async () => {
  [caddy, upstream, authz] = await Promise.all([startCaddy(), startUpstream('live-upstream'), startForwardAuth(FORWARD_TOKEN)]);
  project = tempDir('gwctl-project-');
  mkdirSync(path.join(project, 'secrets'));
  writeFileSync(path.join(project, 'secrets', 'alice.pw'), `${SECRETS.alicePassword}\n`);
  writeFileSync(path.join(project, 'secrets', 'bob.key'), `${SECRETS.bobKey}\n`);
  listen = `127.0.0.1:${await freePort()}`;
  gateway = `http://${listen}`;
  target = `caddy+${caddy.adminUrl}?listen=${listen}&tls=off`;
  writeConfig();
});

afterAll(async () => {
  await Promise.all([caddy?.stop(), upstream?.close(), authz?.close()]);
  if (project) rmSync(project, { recursive: true, force: true });
});

async function expectOtherServerUp(): Promise<void> {
  const reply = await call(caddy.otherUrl);
  expect(reply.status).toBe(200);
  expect(reply.text).toBe(OTHER_BODY);
}

describe('refusals leave Caddy exactly as it was', () => {
  it('refuses policies Caddy cannot enforce, naming policies and routes (exit 1)', async () => {
    const before = await caddy.config();
    const plan = await run(['plan', 'gw.yaml', '--target', target]);
    expect(plan.code, plan.stderr).toBe(1);
    expect(plan.stderr).toMatch(/plan refused/);
    expect(plan.stderr).toMatch(/rate-limit/);
    expect(plan.stderr).toMatch(/items\/list-items/);
    expect(plan.stderr).toMatch(/--allow-unenforced rate-limit,tls/);
    const apply = await run(['apply', 'gw.yaml', '--target', target, '--yes', '--allow-unenforced', 'tls']);
    expect(apply.code, apply.stderr).toBe(1);
    expect(apply.stderr).toMatch(/rate-limit/);
    expect(apply.stderr).not.toMatch(/- tls/);
    expect((await caddy.config()).text).toBe(before.text);
  });

  it('refuses to apply a config with lint errors (exit 1)', async () => {
    writeConfig({ lintError: true }, 'broken.yaml');
    const before = await caddy.config();
    const apply = await run(['apply', 'broken.yaml', '--target', target, '--yes', ...ALLOW]);
    expect(apply.code, apply.stderr).toBe(1);
    expect(apply.stderr).toMatch(/apply refused: lint found 1 error/);
    expect(apply.stderr).toMatch(/route-auth-required/);
    expect((await caddy.config()).text).toBe(before.text);
  });

  it('refuses to apply without --yes when there is no terminal (exit 2)', async () => {
    const before = await caddy.config();
    const apply = await run(['apply', 'gw.yaml', '--target', target, ...ALLOW]);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toMatch(/--yes/);
    expect((await caddy.config()).text).toBe(before.text);
  });

  it('reports an unreachable admin API clearly (exit 2)', async () => {
    const closed = await freePort();
    const plan = await run(['plan', 'gw.yaml', '--target', `caddy+http://127.0.0.1:${closed}?listen=${listen}&tls=off`, ...ALLOW]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(new RegExp(`cannot reach the Caddy admin API at http://127.0.0.1:${closed} \\(ECONNREFUSED\\); is Caddy running`));
  });

  it('never takes over a server it did not create (exit 1)', async () => {
    const plan = await run(['plan', 'gw.yaml', '--target', `caddy+${caddy.adminUrl}?listen=${listen}&tls=off&server=other`, ...ALLOW]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/server 'other' that gwctl did not create/);
  });

  it('refuses keys Caddy would read as a wildcard, without printing them (exit 2)', async () => {
    const before = await caddy.config();
    const plan = await run(['plan', 'gw.yaml', '--target', target, ...ALLOW], { ALICE_KEY: 'abc*' });
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/consumer alice-app: key credential #1 contains '\*'/);
    expect(plan.stderr).not.toContain('abc*');
    expect((await caddy.config()).text).toBe(before.text);
  });
});

describe('apply', () => {
  it('applies the config (exit 0) and leaves the unmanaged server alone', async () => {
    const before = JSON.parse((await caddy.config()).text);
    const apply = await run(['apply', 'gw.yaml', '--target', target, '--yes', ...ALLOW]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/\+ create route gwctl-gwctl\.items\.list-items/);
    expect(apply.stdout).toMatch(/warning: rate-limit is NOT enforced/);
    expect(apply.stdout).toMatch(/Apply complete: 8 created, 0 updated, 0 deleted\./);
    const after = JSON.parse((await caddy.config()).text);
    expect(after.apps.http.servers.other).toEqual(before.apps.http.servers.other);
    expect(after.apps.pki).toEqual(before.apps.pki);
    expect(after.admin).toEqual(before.admin);
    await expectOtherServerUp();
  });

  it('admits exactly the keys of approved subscriptions', async () => {
    expect((await call(`${gateway}/v1/items`)).status).toBe(401);
    const ok = await call(`${gateway}/v1/items?page=2`, { headers: { 'x-api-key': SECRETS.aliceKey } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ marker: 'live-upstream', method: 'GET', path: '/v1/items?page=2' });
    expect(upstream.seen.at(-1)?.path).toBe('/v1/items?page=2');
    expect((await call(`${gateway}/v1/items`, { headers: { 'x-api-key': SECRETS.bobKey } })).status).toBe(200);
    expect((await call(`${gateway}/v1/items`, { headers: { 'x-api-key': SECRETS.pendingKey } })).status).toBe(401);
    expect((await call(`${gateway}/v1/items`, { headers: { 'x-api-key': SECRETS.rejectedKey } })).status).toBe(401);
    expect((await call(`${gateway}/v1/items`, { headers: { 'x-api-key': `${SECRETS.aliceKey}x` } })).status).toBe(401);
    expect((await call(`${gateway}/v1/items`, { headers: { 'x-api-key': '*' } })).status).toBe(401);
  });

  it('matches path templates segment by segment, methods and hosts', async () => {
    const key = { 'x-api-key': SECRETS.aliceKey };
    expect((await call(`${gateway}/v1/items/42`, { headers: key })).json).toMatchObject({ path: '/v1/items/42' });
    expect((await call(`${gateway}/v1/items/42/admin`, { headers: key })).status).toBe(404);
    expect((await call(`${gateway}/v1/items`, { method: 'DELETE', headers: key })).status).toBe(404);
    // create-item: POST, host api.test, key in X-Shop-Key
    const shopKey = { 'x-shop-key': SECRETS.aliceKey };
    expect((await call(`${gateway}/v1/items`, { method: 'POST', headers: shopKey, body: '{}' })).status).toBe(404);
    expect((await call(`${gateway}/v1/items`, { method: 'POST', headers: { ...shopKey, host: 'other.test' }, body: '{}' })).status).toBe(404);
    expect((await call(`${gateway}/v1/items`, { method: 'POST', headers: { host: 'api.test' }, body: '{}' })).status).toBe(401);
    const created = await call(`${gateway}/v1/items`, { method: 'POST', headers: { ...shopKey, host: 'api.test' }, body: '{"name":"x"}' });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ method: 'POST', body: '{"name":"x"}' });
    expect((await call(`${gateway}/healthz`)).status).toBe(200);
    expect((await call(`${gateway}/not-routed`)).status).toBe(404);
  });

  it('enforces basic auth with hashes gwctl computed', async () => {
    expect((await call(`${gateway}/basic`)).status).toBe(401);
    expect((await call(`${gateway}/basic`, { headers: { authorization: basic('alice', 'wrong') } })).status).toBe(401);
    const ok = await call(`${gateway}/basic`, { headers: { authorization: basic('alice', SECRETS.alicePassword) } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ marker: 'live-upstream', path: '/basic' });
  });

  it('enforces forward auth: the auth service decides, the body still reaches the upstream', async () => {
    const denied = await call(`${gateway}/forward`);
    expect(denied.status).toBe(401);
    expect(denied.text).toBe('denied by the forward-auth service');
    const check = authz.seen.at(-1)!;
    expect(check.method).toBe('GET');
    expect(check.path).toBe('/verify');
    expect(check.headers['x-forwarded-method']).toBe('GET');
    expect(check.headers['x-forwarded-uri']).toBe('/forward');
    const ok = await call(`${gateway}/forward`, { method: 'POST', headers: { authorization: `Bearer ${FORWARD_TOKEN}` }, body: 'payload' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ method: 'POST', path: '/forward', body: 'payload' });
  });

  it('is idempotent: a second apply changes nothing, plan --detailed-exitcode and drift exit 0', async () => {
    const before = await caddy.config();
    const again = await run(['apply', 'gw.yaml', '--target', target, '--yes', ...ALLOW]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
    expect(again.stdout).toMatch(/Nothing to apply\./);
    expect((await caddy.config()).text).toBe(before.text);
    const plan = await run(['plan', 'gw.yaml', '--target', target, '--detailed-exitcode', ...ALLOW]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const drift = await run(['drift', 'gw.yaml', '--target', target]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
    expect(drift.stdout).toMatch(/No drift/);
  });

  it('asks for confirmation on a terminal; a no leaves Caddy untouched (exit 1)', async () => {
    writeConfig({ healthPath: '/ready' });
    const before = await caddy.config();
    const out: string[] = [];
    const questions: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), isTTY: false, stdinIsTTY: true,
      confirm: async (q: string) => { questions.push(q); return false; },
      env: { ...process.env, ...env() }, cwd: project,
    };
    const code = await applyCommand(['gw.yaml'], { target, allowUnenforced: ['rate-limit', 'tls'] }, io);
    outputs.push(...out);
    expect(code).toBe(1);
    expect(questions[0]).toMatch(/Apply these 2 changes to caddy at http:\/\/127\.0\.0\.1:\d+\?/);
    expect(out.join('')).toMatch(/Apply cancelled; nothing was changed\./);
    expect((await caddy.config()).text).toBe(before.text);
    writeConfig();
  });

  it('removes a route (404 afterwards) and rotates a key through a saved plan', async () => {
    writeConfig({ without: ['get-item'] });
    const plan = await run(['plan', 'gw.yaml', '--target', target, '--detailed-exitcode', '-o', 'plan.json', ...ALLOW], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(plan.code, plan.stderr).toBe(3);
    expect(plan.stdout).toMatch(/- delete route gwctl-gwctl\.items\.get-item/);
    expect(plan.stdout).toMatch(/header\.X-API-Key\.0: \(secret\) → \(secret\)/);
    const saved = JSON.parse(readFileSync(path.join(project, 'plan.json'), 'utf8'));
    expect(saved.format).toBe('gwctl-plan/v1');
    expect(saved.summary).toEqual({ create: 0, update: 3, delete: 1 });
    expect(saved.target).toEqual({ driver: 'caddy', url: caddy.adminUrl, options: { server: 'gwctl', listen, tls: 'off' } });
    expect(saved.inputs.args).toEqual(['gw.yaml']);
    expect(saved.inputs.files).toEqual([{ path: 'gw.yaml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(saved.live.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(saved.lint).toEqual({ errors: 0, warnings: 1, infos: 1, hints: 0 });
    expect(saved.allowUnenforced).toEqual(['rate-limit', 'tls']);
    const apply = await run(['apply', 'plan.json', '--yes'], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(apply.code, apply.stderr).toBe(0);
    expect((await call(`${gateway}/v1/items/42`, { headers: { 'x-api-key': SECRETS.aliceKeyRotated } })).status).toBe(404);
    expect((await call(`${gateway}/v1/items`, { headers: { 'x-api-key': SECRETS.aliceKey } })).status).toBe(401);
    expect((await call(`${gateway}/v1/items`, { headers: { 'x-api-key': SECRETS.aliceKeyRotated } })).status).toBe(200);
    await expectOtherServerUp();
  });

  it('--no-delete creates and updates but keeps routes the config dropped', async () => {
    writeConfig({ without: ['get-item', 'health'], healthPath: '/health' });
    const apply = await run(['apply', 'gw.yaml', '--target', target, '--yes', '--no-delete', ...ALLOW], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Nothing to apply\./);
    expect((await call(`${gateway}/healthz`)).status).toBe(200);
    const plan = await run(['plan', 'gw.yaml', '--target', target, '--detailed-exitcode', ...ALLOW], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(plan.code).toBe(3);
    expect(plan.stdout).toMatch(/- delete route gwctl-gwctl\.items\.health/);
    writeConfig({ without: ['get-item'] });
  });
});

describe('stale plans and concurrent writers', () => {
  it('refuses a saved plan when the live config moved, and changes nothing (exit 1)', async () => {
    writeConfig({ without: ['get-item'], healthPath: '/health' });
    const plan = await run(['plan', 'gw.yaml', '--target', target, '-o', 'stale.json', ...ALLOW], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(plan.code, plan.stderr).toBe(0);
    // Someone edits Caddy directly: the managed health route answers differently now.
    const edit = await request(`${caddy.adminUrl}/id/gwctl-gwctl.items.health/terminal`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: 'false',
    });
    expect(edit.statusCode).toBe(200);
    await edit.body.text();
    const before = await caddy.config();
    const apply = await run(['apply', 'stale.json', '--yes'], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(apply.code, apply.stdout + apply.stderr).toBe(1);
    expect(apply.stderr).toMatch(/the gateway changed since the plan was made/);
    expect((await caddy.config()).text).toBe(before.text);
    const drift = await run(['drift', 'gw.yaml', '--target', target], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(drift.code).toBe(3);
    expect(drift.stdout).toMatch(/~ update route gwctl-gwctl\.items\.health/);
  });

  it('refuses a saved plan when an input file changed (exit 1)', async () => {
    const plan = await run(['plan', 'gw.yaml', '--target', target, '-o', 'inputs.json', ...ALLOW], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(plan.code, plan.stderr).toBe(0);
    writeConfig({ without: ['get-item', 'basic-area'], healthPath: '/health' });
    const before = await caddy.config();
    const apply = await run(['apply', 'inputs.json', '--yes'], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/input files changed since the plan was made \(gw\.yaml\)/);
    expect((await caddy.config()).text).toBe(before.text);
  });

  it('a write guarded by a stale ETag gets 412 and changes nothing', async () => {
    const http = new HttpClient({ driver: 'caddy', product: 'Caddy', baseUrl: caddy.adminUrl });
    try {
      const options = { server: 'gwctl', tls: { mode: 'off' as const }, listen: [listen] };
      const driver = new CaddyDriver(options, { baseUrl: caddy.adminUrl });
      await expect(driver.ping()).resolves.toEqual({});
      await driver.close();
      const live = await fetchCaddy(http, options);
      const snapshot = live.raw as CaddySnapshot;
      const edit = await request(`${caddy.adminUrl}/config/apps/http/servers/other/routes/0/handle/0/body`, {
        method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(`${OTHER_BODY}!`),
      });
      await edit.body.text();
      const before = await caddy.config();
      const native: CaddyNative = { server: { ...snapshot.server!, listen: [listen] }, problems: [] };
      const outcome = await applyCaddy(http, options, [{ action: 'update', kind: 'server', key: 'gwctl-gwctl', fields: [] }], native, snapshot);
      expect(outcome.error).toBeInstanceOf(StaleConfigError);
      expect(outcome.steps).toMatchObject([{ status: 'failed' }]);
      expect((await caddy.config()).text).toBe(before.text);
    } finally {
      await http.close();
    }
  });

  it('apply brings the live config back to the plan after drift', async () => {
    const apply = await run(['apply', 'gw.yaml', '--target', target, '--yes', ...ALLOW], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(apply.code, apply.stderr).toBe(0);
    const drift = await run(['drift', 'gw.yaml', '--target', target], { ALICE_KEY: SECRETS.aliceKeyRotated });
    expect(drift.code, drift.stdout).toBe(0);
    expect((await call(`${gateway}/basic`)).status).toBe(404);
  });
});

describe('secrets', () => {
  it('never appear in plans, plan.json, journals, stdout or stderr', async () => {
    const journalDir = path.join(project, '.gwctl', 'journal');
    const journals = readdirSync(journalDir).map((f) => readFileSync(path.join(journalDir, f), 'utf8'));
    expect(journals.length).toBeGreaterThanOrEqual(4);
    const last = JSON.parse(journals.at(-1)!);
    expect(last).toMatchObject({ format: 'gwctl-journal/v1', result: 'applied' });
    const plans = ['plan.json', 'stale.json', 'inputs.json'].map((f) => readFileSync(path.join(project, f), 'utf8'));
    const everything = [...outputs, ...journals, ...plans].join('\n');
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    // bcrypt hashes are derived from a secret: masked too.
    expect(everything).not.toMatch(/\$2[aby]\$\d\d\$/);
    expect(everything).toContain('(secret)');
    const rollback = journals.map((j) => JSON.parse(j)).find((j) => j.planned.some((c: { action: string }) => c.action === 'delete'));
    expect(rollback?.steps?.[0]).toMatchObject({ request: 'PATCH /config/apps/http/servers/gwctl', status: 'done' });
  });
});
