import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startUpstream, tempDir, type NodeServer, type Run } from '../live/harness.js';
import { faults, startFaultProxy, type FaultProxy } from './proxy.js';
import { expectOtherServerUp, gwctl, journals, KEY_ENV, newConfig, oldConfig, served, startKillableCaddy, type KillableCaddy } from './support.js';

/**
 * Caddy SIGKILLed in the middle of an apply, just before the write reaches it or just after it
 * applied the write (its answer never gets back). gwctl cannot know which: it says so (exit 2),
 * and the journal records the write as unknown. What Caddy serves after a restart depends on
 * `admin.config.persist`:
 * - persist on (Caddy's default): `caddy run --resume` brings back the last config Caddy loaded,
 *   whole: the old one when it died before the write, the new one when it died after;
 * - persist off: Caddy comes back with its startup config, without anything gwctl applied (the
 *   managed server is gone); `gwctl drift` says so and `gwctl apply` puts it back.
 */

const WRITE = 'PATCH /config/apps/http/servers/gwctl';
const ALLOW = ['--allow-unenforced', 'rate-limit,tls'];
let upstream: NodeServer;
let project: string;

beforeAll(async () => {
  upstream = await startUpstream('kill-upstream');
  project = tempDir('gwctl-kill-');
  writeFileSync(path.join(project, 'old.yaml'), oldConfig(upstream.url));
  writeFileSync(path.join(project, 'new.yaml'), newConfig(upstream.url));
});

afterAll(async () => {
  await upstream?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

interface Setup {
  caddy: KillableCaddy;
  proxy: FaultProxy;
  target: string;
  gateway: string;
  run(args: string[]): Promise<Run>;
  close(): Promise<void>;
}

/** A Caddy of its own (killing it must not disturb other scenarios), the OLD config applied. */
async function setup(persist: boolean): Promise<Setup> {
  const caddy = await startKillableCaddy({ persist });
  const proxy = await startFaultProxy({ upstream: caddy.adminUrl });
  const listen = `127.0.0.1:${await freePort()}`;
  const target = `caddy+${proxy.url}?listen=${listen}&tls=off`;
  const run = (args: string[]) => gwctl([...args, '--target', target, ...ALLOW], { cwd: project, env: KEY_ENV });
  const s: Setup = {
    caddy, proxy, target, gateway: `http://${listen}`, run,
    close: async () => { await proxy.close(); await caddy.stop(); },
  };
  try {
    const first = await run(['apply', 'old.yaml', '--yes']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect((await served(s.gateway)).state).toBe('old');
  } catch (error) {
    await s.close();
    throw error;
  }
  return s;
}

/** Kills Caddy when the write arrives: before it reaches Caddy, or after Caddy applied it. */
async function applyAndKill(s: Setup, when: 'before' | 'after'): Promise<Run> {
  s.proxy.reset();
  s.proxy.setFault(faults.onMethod('PATCH', { kind: 'hook', when, run: () => s.caddy.kill() }, 1));
  const before = journals(project).length;
  const run = await s.run(['apply', 'new.yaml', '--yes']);
  expect(s.caddy.running()).toBe(false);
  expect(run.code, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toMatch(/apply failed: the connection to the Caddy admin API at http:\/\/127\.0\.0\.1:\d+ failed during PATCH \/config\/apps\/http\/servers\/gwctl/);
  expect(run.stderr).toMatch(/Whether Caddy applied the change is unknown/);
  expect(run.stderr).toMatch(/Check with gwctl drift once it answers, then re-run gwctl apply\./);
  const all = journals(project);
  expect(all).toHaveLength(before + 1);
  expect(all.at(-1)).toMatchObject({ result: 'unknown', gateway: 'unknown', unknown: [WRITE], done: [], notApplied: [] });
  // Nothing answered while Caddy was down: the listener is gone too.
  expect((await served(s.gateway)).state).toBe('none');
  return run;
}

describe('Caddy killed during apply, config persisted (restart with --resume)', () => {
  it('killed before the write: after a restart it serves the old config, whole', async () => {
    const s = await setup(true);
    try {
      await applyAndKill(s, 'before');
      await s.caddy.restart();
      expect((await served(s.gateway)).state).toBe('old');
      await expectOtherServerUp(s.caddy);
      s.proxy.reset();
      const drift = await s.run(['drift', 'old.yaml']);
      expect(drift.code, drift.stdout + drift.stderr).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('killed after Caddy applied the write: after a restart it serves the new config, whole', async () => {
    const s = await setup(true);
    try {
      await applyAndKill(s, 'after');
      await s.caddy.restart();
      expect((await served(s.gateway)).state).toBe('new');
      await expectOtherServerUp(s.caddy);
      s.proxy.reset();
      const drift = await s.run(['drift', 'new.yaml']);
      expect(drift.code, drift.stdout + drift.stderr).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('Caddy killed during apply, persist: false', () => {
  it('comes back with its startup config (no managed server); drift says so, apply restores it', async () => {
    const s = await setup(false);
    try {
      await applyAndKill(s, 'after');
      await s.caddy.restart();
      // Neither old nor new: the applied config died with the process.
      expect((await served(s.gateway)).state).toBe('none');
      await expectOtherServerUp(s.caddy);
      s.proxy.reset();
      const drift = await s.run(['drift', 'new.yaml']);
      expect(drift.code, drift.stdout + drift.stderr).toBe(3);
      expect(drift.stdout).toMatch(/\+ create server gwctl-gwctl/);
      const again = await s.run(['apply', 'new.yaml', '--yes']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect((await served(s.gateway)).state).toBe('new');
    } finally {
      await s.close();
    }
  });
});
