import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, freePort, startUpstream, tempDir, type NodeServer, type Run } from '../live/harness.js';
import { faults, startFaultProxy, type FaultProxy } from './proxy.js';
import {
  expectOtherServerUp, gwctl, journals, KEY_ENV, newConfig, oldConfig, served, startKillableCaddy,
  type Journal, type KillableCaddy,
} from './support.js';

/**
 * A failing gateway: gwctl apply through a proxy that answers 500/503, resets connections before
 * or after Caddy saw the write, holds requests past --timeout, or stops answering mid-apply.
 * After each: the exit code and message say what happened, the journal says which writes are in
 * effect, and real requests through Caddy's listener show one whole config — old or new, never a
 * mix — and the one the journal names.
 */

let caddy: KillableCaddy;
let upstream: NodeServer;
let proxy: FaultProxy;
let project: string;
let gateway: string;
let target: string;
let tlsTarget: string;
let baseline: string;
const ALLOW = ['--allow-unenforced', 'rate-limit,tls'];
const WRITE = 'PATCH /config/apps/http/servers/gwctl';

beforeAll(async () => {
  [caddy, upstream] = await Promise.all([startKillableCaddy({ persist: false }), startUpstream('faults-upstream')]);
  proxy = await startFaultProxy({ upstream: caddy.adminUrl });
  project = tempDir('gwctl-faults-');
  writeFileSync(path.join(project, 'old.yaml'), oldConfig(upstream.url));
  writeFileSync(path.join(project, 'new.yaml'), newConfig(upstream.url));
  writeFileSync(path.join(project, 'new-tls.yaml'), newConfig(upstream.url).replace('methods: [GET]', 'methods: [GET]\n        hosts: [api.test]'));
  const listen = `127.0.0.1:${await freePort()}`;
  gateway = `http://${listen}`;
  target = `caddy+${proxy.url}?listen=${listen}&tls=off`;
  tlsTarget = `caddy+${proxy.url}?listen=${listen}&tls=internal`;
  const first = await apply('old.yaml');
  expect(first.code, first.stdout + first.stderr).toBe(0);
  expect((await served(gateway)).state).toBe('old');
  baseline = (await caddy.config()).text;
});

afterAll(async () => {
  await Promise.all([proxy?.close(), caddy?.stop(), upstream?.close()]);
  if (project) rmSync(project, { recursive: true, force: true });
});

beforeEach(async () => {
  // Every scenario starts from the OLD config, applied and serving.
  proxy.reset();
  if ((await caddy.config()).text !== baseline) await caddy.load(baseline);
  proxy.reset();
});

async function apply(config: string, extra: string[] = [], to = target): Promise<Run> {
  const run = await gwctl(['apply', config, '--target', to, '--yes', ...ALLOW, ...extra], { cwd: project, env: KEY_ENV });
  if (process.env.FAULTS_DEBUG) console.log(`exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run;
}

function lastJournal(): Journal {
  const all = journals(project);
  expect(all.length).toBeGreaterThan(0);
  return all.at(-1)!;
}

const requests = (method?: string) => proxy.seen.filter((r) => method === undefined || r.method === method);

/** The journal's word about the gateway agrees with what real traffic shows. */
async function expectServed(expected: 'old' | 'new', journal?: Journal): Promise<void> {
  const now = await served(gateway);
  expect(now.state, JSON.stringify(now.answers)).toBe(expected);
  if (journal && journal.gateway !== 'unknown') expect(journal.gateway).toBe(expected);
  await expectOtherServerUp(caddy);
}

describe('the gateway refuses or fails the write', () => {
  it('500 on the write: not retried, nothing applied, exit 1', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'status', status: 500 }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(/apply failed: the Caddy admin API refused PATCH \/config\/apps\/http\/servers\/gwctl: 500 injected 500\. Caddy did not apply it\./);
    expect(run.stderr).toMatch(/Caddy still has its previous config: nothing of this apply is in effect\./);
    expect(run.stderr).toMatch(/Journal: \.gwctl\/journal\/.+\.json/);
    expect(requests('PATCH')).toHaveLength(1);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'failed', gateway: 'old', done: [], notApplied: [WRITE], unknown: [] });
    expect(journal.steps[0]).toMatchObject({ request: WRITE, status: 'failed', note: expect.stringMatching(/answered 500; re-reading the config shows it unchanged/) });
    await expectServed('old', journal);
  });

  it('503 on the write: a write is never retried, exit 1', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'status', status: 503 }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(/refused PATCH \/config\/apps\/http\/servers\/gwctl: 503/);
    expect(requests('PATCH')).toHaveLength(1);
    expect(lastJournal()).toMatchObject({ result: 'failed', gateway: 'old' });
    await expectServed('old', lastJournal());
  });

  it('503 twice on reads: retried with growing backoff, then the apply completes', async () => {
    proxy.setFault(faults.first(2, { kind: 'status', status: 503 }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const gets = requests('GET').slice(0, 3);
    expect(gets.map((r) => r.fault)).toEqual(['status', 'status', 'pass']);
    // backoff 150 ms · 2^attempt (±25 %): ≥ 112 ms, then ≥ 225 ms
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(100);
    expect(gets[2]!.at - gets[1]!.at).toBeGreaterThanOrEqual(200);
    expect(requests('PATCH')).toHaveLength(1);
    expect(lastJournal()).toMatchObject({ result: 'applied', gateway: 'new', done: [WRITE] });
    await expectServed('new', lastJournal());
  });

  it('reads that keep failing stop after 3 attempts, before anything is written (exit 2)', async () => {
    const before = journals(project).length;
    proxy.setFault(faults.onMethod('GET', { kind: 'truncate' }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/the connection to the Caddy admin API at http:\/\/127\.0\.0\.1:\d+ failed during GET \/config\//);
    expect(requests('GET')).toHaveLength(3);
    expect(requests('PATCH')).toHaveLength(0);
    // Nothing was planned, so there is nothing to journal.
    expect(journals(project)).toHaveLength(before);
    await expectServed('old');
  });
});

describe('the answer to the write is lost', () => {
  it('reset before the write reaches Caddy: the re-read shows nothing changed (exit 2)', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'reset', when: 'before' }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/the connection to the Caddy admin API at .* failed during PATCH \/config\/apps\/http\/servers\/gwctl/);
    expect(run.stderr).toMatch(/Caddy did not apply the write \(re-reading the config shows it unchanged\)/);
    expect(requests('PATCH')).toHaveLength(1);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'failed', gateway: 'old', done: [], notApplied: [WRITE] });
    await expectServed('old', journal);
  });

  it('reset after Caddy applied the write: the re-read shows it landed, the apply completes (exit 0)', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'reset', when: 'after' }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/done\s+PATCH \/config\/apps\/http\/servers\/gwctl: .*\(no answer \((ECONNRESET|UND_ERR_SOCKET)\); re-reading the config shows Caddy applied it\)/);
    expect(run.stdout).toMatch(/Apply complete/);
    expect(requests('PATCH')).toHaveLength(1);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'applied', gateway: 'new', done: [WRITE] });
    await expectServed('new', journal);
  });

  it('the write held past --timeout before Caddy saw it: exit 2 naming URL and limit; it never lands later', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'delay', ms: 1_200, when: 'before' }));
    const run = await apply('new.yaml', ['--timeout', '400']);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/the Caddy admin API at http:\/\/127\.0\.0\.1:\d+ did not answer PATCH \/config\/apps\/http\/servers\/gwctl within 400 ms/);
    expect(run.stderr).toMatch(/Caddy did not apply the write/);
    expect(lastJournal()).toMatchObject({ result: 'failed', gateway: 'old', notApplied: [WRITE] });
    // Past the hold: the proxy dropped the request because gwctl had gone; Caddy never saw it.
    const patch = requests('PATCH')[0]!;
    await new Promise((r) => setTimeout(r, Math.max(0, patch.at + 1_400 - (proxy.seen.at(-1)?.at ?? 0))));
    expect(patch.forwarded).toBe(false);
    await expectServed('old', lastJournal());
  });

  it('the answer held past --timeout after Caddy applied it: settled by the re-read (exit 0)', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'delay', ms: 1_200, when: 'after' }));
    const run = await apply('new.yaml', ['--timeout', '400']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/done\s+PATCH .*no answer \(TIMEOUT\); re-reading the config shows Caddy applied it/);
    expect(lastJournal()).toMatchObject({ result: 'applied', gateway: 'new' });
    await expectServed('new', lastJournal());
  });
});

describe('the admin API stops answering mid-apply', () => {
  it('after the first request: the write is lost and cannot be checked → unknown, exit 2', async () => {
    proxy.setFault(faults.afterFirst(1, { kind: 'reset', when: 'before' }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Whether Caddy applied the change is unknown: its answer was lost and it could not be re-read/);
    expect(run.stderr).toMatch(/unknown: PATCH \/config\/apps\/http\/servers\/gwctl\). Check with gwctl drift once it answers/);
    expect(run.stdout).toMatch(/unknown\s+PATCH \/config\/apps\/http\/servers\/gwctl/);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'unknown', gateway: 'unknown', unknown: [WRITE], done: [] });
    // The re-read was retried (3 attempts), the write was not.
    expect(requests('PATCH')).toHaveLength(1);
    expect(requests('GET')).toHaveLength(4);
    // Truth: the write never reached Caddy.
    await expectServed('old');
  });

  it('after the write: Caddy applied it but it cannot be verified or undone → exit 2, journal: in effect', async () => {
    proxy.setFault(faults.afterFirst(2, { kind: 'reset', when: 'before' }));
    const run = await apply('new.yaml');
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Caddy accepted PATCH \/config\/apps\/http\/servers\/gwctl, but the config could not be read back to verify it/);
    expect(run.stderr).toMatch(/Caddy has the new config: every write of this apply is in effect\./);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'undo-failed', gateway: 'new', done: [WRITE], undone: [], notApplied: [] });
    expect(journal.steps[0]).toMatchObject({ status: 'undo-failed', undoError: expect.stringMatching(/failed during GET \/config\//) });
    await expectServed('new', journal);
  });
});

describe('gwctl itself killed mid-apply', () => {
  it('leaves a journal that says the apply was in progress, and what it planned', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'hang' }));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...KEY_ENV })) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [BIN, 'apply', 'new.yaml', '--target', target, '--yes', ...ALLOW], { cwd: project, env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (requests('PATCH').length === 0) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('gwctl never sent the write');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'in-progress', steps: [], planned: expect.arrayContaining([expect.objectContaining({ action: 'create', kind: 'route' })]) });
    await expectServed('old');
  });
});

describe('an apply of two writes (TLS policy, then the server)', () => {
  const TLS_WRITE = 'PUT /config/apps/tls';

  it('500 on the second write: the first is undone, exit 1, the old config whole', async () => {
    proxy.setFault(faults.onMethod('PATCH', { kind: 'status', status: 500 }));
    const run = await apply('new-tls.yaml', [], tlsTarget);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(/apply failed \(rolled back\)/);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'rolled-back', gateway: 'old', done: [TLS_WRITE], undone: [TLS_WRITE], notApplied: [WRITE] });
    expect((await caddy.config()).text).toBe(baseline);
    await expectServed('old', journal);
  });

  it('500 on the second write and on the undo of the first: the journal says PART is in effect', async () => {
    proxy.setFault((r) => (r.method === 'PATCH' || r.method === 'DELETE' ? { kind: 'status', status: 500 } : { kind: 'pass' }));
    const run = await apply('new-tls.yaml', [], tlsTarget);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(/apply failed and could NOT be fully rolled back; see the journal/);
    expect(run.stderr).toMatch(/Caddy holds PART of this apply \(in effect: PUT \/config\/apps\/tls; not in effect: PATCH \/config\/apps\/http\/servers\/gwctl\)\. Re-run gwctl apply, or check with gwctl drift\./);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'undo-failed', gateway: 'partial', done: [TLS_WRITE], undone: [], notApplied: [WRITE] });
    expect(journal.steps[0]).toMatchObject({ status: 'undo-failed', undoError: expect.stringMatching(/refused DELETE \/config\/apps\/tls: 500/) });
    // The truth, read directly: the TLS policy is there, the server is the old one (traffic: old).
    expect(JSON.parse((await caddy.config()).text).apps.tls.automation.policies[0]['@id']).toBe('gwctl-gwctl.tls');
    await expectServed('old');
  });

  it('500 on the first write: the second is never sent, exit 1', async () => {
    proxy.setFault(faults.onMethod('PUT', { kind: 'status', status: 500 }));
    const run = await apply('new-tls.yaml', [], tlsTarget);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/failed\s+PUT \/config\/apps\/tls: .*\n\s+not sent\s+PATCH \/config\/apps\/http\/servers\/gwctl: write the server gwctl/);
    expect(requests('PATCH')).toHaveLength(0);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'failed', gateway: 'old', done: [], notApplied: [TLS_WRITE, WRITE] });
    expect((await caddy.config()).text).toBe(baseline);
    await expectServed('old', journal);
  });

  it('the connection stops after the first write: the journal says exactly what is in effect', async () => {
    // 1 GET (fetch), 2 PUT tls, 3 GET (verify), then nothing passes.
    proxy.setFault(faults.afterFirst(3, { kind: 'reset', when: 'before' }));
    const run = await apply('new-tls.yaml', [], tlsTarget);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Whether Caddy applied the change is unknown: its answer was lost and it could not be re-read/);
    const journal = lastJournal();
    expect(journal).toMatchObject({ result: 'unknown', gateway: 'unknown', done: [TLS_WRITE], undone: [], unknown: [WRITE] });
    expect(journal.steps.map((s) => [s.request, s.status])).toEqual([[TLS_WRITE, 'undo-failed'], [WRITE, 'unknown']]);
    // What Caddy really holds, read directly: the TLS policy (in effect, as journaled), the old server.
    const live = JSON.parse((await caddy.config()).text);
    expect(live.apps.tls.automation.policies[0]['@id']).toBe('gwctl-gwctl.tls');
    await expectServed('old');
  });
});
