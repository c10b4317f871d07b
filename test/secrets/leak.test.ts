import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveConfig } from '../live/configs.js';
import { freePort, startCaddy, startForwardAuth, startUpstream, tempDir, type CaddyProcess, type NodeServer, type Run } from '../live/harness.js';
import { faults, startFaultProxy, type FaultProxy, type FaultRule, type SeenRequest } from '../faults/proxy.js';
import { gwctl } from '../faults/support.js';

/**
 * No secret value ever leaves gwctl except in the body of a write to the admin API (and the admin
 * token only in the Authorization header). Known, unique values are delivered the ways users do —
 * `${env:…}`, `${file:…}`, the target's `token: ${env:…}`, GWCTL_ADMIN_TOKEN — then EVERY command
 * runs (every lint format, explain, rules, baseline, plan, plan -o, apply, apply plan.json, drift,
 * --verbose, failures whose gateway answers echo the secrets back), and everything gwctl printed
 * or wrote is searched: stdout, stderr, every file under the project (journals, plans, reports).
 * One leaked value anywhere fails the test; the search is checked on a planted value first.
 */

const hex = (n: number) => randomBytes(n).toString('hex');
const SECRETS = {
  aliceKey: `lk-alice-key-${hex(12)}`,
  aliceKeyRotated: `lk-alice-rot-${hex(12)}`,
  bobKey: `lk-bob-key-${hex(12)}`,
  pendingKey: `lk-pending-${hex(12)}`,
  rejectedKey: `lk-rejected-${hex(12)}`,
  alicePassword: `lk-alice-pw-${hex(12)}`,
  edgeToken: `lk-edge-token-${hex(12)}`,
  envToken: `lk-env-token-${hex(12)}`,
};

/** Files that hold a secret on purpose (the `${file:…}` sources): the only ones allowed to. */
const SECRET_FILES = ['secrets/alice.pw', 'secrets/bob.key'];

/**
 * Every form a leaked value could take: as is, its distinctive halves (a truncated message),
 * base64 (an encoded header), URL-encoded (a query string). bcrypt hashes: whole, salt, digest.
 */
function needles(values: Record<string, string>): Array<{ name: string; needle: string }> {
  const out: Array<{ name: string; needle: string }> = [];
  for (const [name, value] of Object.entries(values)) {
    out.push({ name, needle: value });
    const random = value.slice(-24);
    if (/^[0-9a-f]{24}$/.test(random)) {
      out.push({ name: `${name} (first half)`, needle: random.slice(0, 12) }, { name: `${name} (second half)`, needle: random.slice(12) });
    }
    if (/^\$2[abxy]\$\d\d\$.{53}$/.test(value)) {
      out.push({ name: `${name} (salt)`, needle: value.slice(7, 29) }, { name: `${name} (digest)`, needle: value.slice(29) });
    } else {
      out.push({ name: `${name} (base64)`, needle: Buffer.from(value).toString('base64').replace(/=+$/, '') });
      if (encodeURIComponent(value) !== value) out.push({ name: `${name} (url-encoded)`, needle: encodeURIComponent(value) });
    }
  }
  return out;
}

const BCRYPT = /\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}/;

/** Where any needle (or any bcrypt hash) occurs, by place; empty when nothing leaked. */
function findLeaks(texts: Array<{ where: string; text: string }>, values: Record<string, string>): string[] {
  const all = needles(values);
  const leaks: string[] = [];
  for (const { where, text } of texts) {
    for (const { name, needle } of all) if (text.includes(needle)) leaks.push(`${where}: ${name}`);
    const hash = BCRYPT.exec(text);
    if (hash) leaks.push(`${where}: a bcrypt hash (${hash[0].slice(0, 7)}…)`);
  }
  return leaks;
}

/** Every regular file below `dir` (dot-folders included: .gwctl/journal), with its text. */
function walk(dir: string, skip: readonly string[] = []): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const visit = (folder: string, depth: number) => {
    if (depth > 10) throw new Error(`walk: too deep at ${folder}`);
    for (const name of readdirSync(folder)) {
      const file = path.join(folder, name);
      const relative = path.relative(dir, file).split(path.sep).join('/');
      const stat = statSync(file);
      if (stat.isDirectory()) visit(file, depth + 1);
      else if (stat.isFile() && !skip.includes(relative)) out.push({ where: relative, text: readFileSync(file, 'latin1') });
    }
  };
  visit(dir, 0);
  return out;
}

let caddy: CaddyProcess;
let upstream: NodeServer;
let authz: NodeServer;
let proxy: FaultProxy;
let project: string;
let listen: string;
const runs: Array<{ args: string[]; run: Run; seen: SeenRequest[] }> = [];
const ENV = {
  ALICE_KEY: SECRETS.aliceKey,
  PENDING_KEY: SECRETS.pendingKey,
  REJECTED_KEY: SECRETS.rejectedKey,
  EDGE_ADMIN_TOKEN: SECRETS.edgeToken,
  GWCTL_ADMIN_TOKEN: SECRETS.envToken,
};
const ALLOW = ['--allow-unenforced', 'rate-limit,tls'];

/** Runs gwctl with every secret in its environment; records output and the admin requests it made. */
async function run(args: string[], env: Record<string, string> = {}, fault?: FaultRule): Promise<Run> {
  proxy.reset();
  if (fault) proxy.setFault(fault);
  const result = await gwctl(args, { cwd: project, env: { ...ENV, ...env } });
  runs.push({ args, run: result, seen: [...proxy.seen] });
  return result;
}

beforeAll(async () => {
  [caddy, upstream, authz] = await Promise.all([startCaddy(), startUpstream('leak-upstream'), startForwardAuth('not-a-secret')]);
  proxy = await startFaultProxy({ upstream: caddy.adminUrl });
  project = tempDir('gwctl-leak-');
  listen = `127.0.0.1:${await freePort()}`;
  mkdirSync(path.join(project, 'secrets'));
  mkdirSync(path.join(project, 'out'));
  writeFileSync(path.join(project, 'secrets', 'alice.pw'), `${SECRETS.alicePassword}\n`);
  writeFileSync(path.join(project, 'secrets', 'bob.key'), SECRETS.bobKey);
  writeFileSync(path.join(project, 'gw.yaml'), liveConfig({ upstream: upstream.url, forwardAuth: authz.url }));
  writeFileSync(path.join(project, '.gwctl.yaml'), `extends: [gwctl:recommended]
targets:
  edge:
    driver: caddy
    url: ${proxy.url}
    token: \${env:EDGE_ADMIN_TOKEN}
    listen: ${listen}
    tls: "off"
  other:
    driver: caddy
    url: ${proxy.url}
    listen: ${listen}
    tls: "off"
`);
});

afterAll(async () => {
  await Promise.all([proxy?.close(), caddy?.stop(), upstream?.close(), authz?.close()]);
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the leak search itself', () => {
  it('finds a single planted value, in output and in a file, in every form', () => {
    const values = { planted: `lk-planted-${hex(12)}`, hash: '$2a$10$abcdefghijklmnopqrstuv0123456789ABCDEFGHIJKLMNOPQRSTU' };
    expect(findLeaks([{ where: 'stdout', text: `ok\nnothing here (secret)\n` }], values)).toEqual([]);
    expect(findLeaks([{ where: 'stdout', text: `key=${values.planted}\n` }], values)).toEqual(['stdout: planted', 'stdout: planted (first half)', 'stdout: planted (second half)']);
    expect(findLeaks([{ where: 'x', text: `…${values.planted.slice(-12)}` }], values)).toEqual(['x: planted (second half)']);
    expect(findLeaks([{ where: 'x', text: Buffer.from(`u:${values.planted}`).toString('base64') }], values)).toEqual([]);
    expect(findLeaks([{ where: 'x', text: `Basic ${Buffer.from(values.planted).toString('base64')}` }], values)).toEqual(['x: planted (base64)']);
    expect(findLeaks([{ where: 'x', text: `"password": "${values.hash}"` }], values)).toEqual(['x: hash', 'x: hash (salt)', 'x: hash (digest)', 'x: a bcrypt hash ($2a$10$…)']);
    expect(findLeaks([{ where: 'x', text: '$2b$12$' + 'x'.repeat(53) }], {})).toEqual(['x: a bcrypt hash ($2b$12$…)']);
    const dir = tempDir('gwctl-leak-self-');
    try {
      mkdirSync(path.join(dir, '.hidden', 'deep'), { recursive: true });
      writeFileSync(path.join(dir, 'clean.txt'), 'nothing');
      writeFileSync(path.join(dir, '.hidden', 'deep', 'journal.json'), JSON.stringify({ error: `bad key ${values.planted}` }));
      expect(findLeaks(walk(dir), { planted: values.planted })).toEqual([
        '.hidden/deep/journal.json: planted', '.hidden/deep/journal.json: planted (first half)', '.hidden/deep/journal.json: planted (second half)',
      ]);
      expect(findLeaks(walk(dir, ['.hidden/deep/journal.json']), { planted: values.planted })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every command, with secrets in env, files and tokens', () => {
  it('lint in every output format (stdout and files), --verbose too', async () => {
    const formats = ['-f', 'stylish', '-f', 'json:out/lint.json', '-f', 'sarif:out/lint.sarif', '-f', 'junit:out/lint.xml', '-f', 'github:out/github.txt',
      '-f', 'markdown:out/lint.md', '-f', 'html:out/lint.html', '-f', 'gitlab:out/gitlab.json'];
    const results = await Promise.all([
      run(['lint', 'gw.yaml', ...formats]),
      run(['lint', 'gw.yaml', '--verbose', '-f', 'json']),
      run(['lint', '.', '-f', 'sarif', '--verbose']),
      ...['json', 'sarif', 'junit', 'github', 'markdown', 'html', 'gitlab'].map((f) => run(['lint', 'gw.yaml', '-f', f])),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(project, 'out', 'lint.html'), 'utf8')).toMatch(/<html/i);
  });

  it('explain (table and json), rules, baseline create', async () => {
    const results = await Promise.all([
      run(['explain', 'gw.yaml']),
      run(['explain', 'gw.yaml', '--format', 'json', '--verbose']),
      run(['rules', 'list']),
      run(['rules', 'explain', 'secrets-not-inline']),
      run(['baseline', 'create', 'gw.yaml', '--baseline', 'out/baseline.yaml', '--verbose']),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
  });

  it('plan, plan --verbose, plan -o; apply plan.json; apply, drift (all through the token-carrying target)', async () => {
    const plan = await run(['plan', 'gw.yaml', '--target', 'edge', ...ALLOW]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/auth: key in X-API-Key, 2 key\(s\)/);
    const verbose = await run(['plan', 'gw.yaml', '--target', 'edge', '--verbose', ...ALLOW]);
    expect(verbose.stderr).toMatch(/http GET http:\/\/127\.0\.0\.1:\d+\/config\/ \(authorization: Bearer \(redacted\)\) → 200/);
    const saved = await run(['plan', 'gw.yaml', '--target', 'edge', '-o', 'out/plan.json', ...ALLOW]);
    expect(saved.code, saved.stderr).toBe(0);
    const applied = await run(['apply', 'out/plan.json', '--yes', '--verbose']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const again = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', '--verbose', ...ALLOW]);
    expect(again.stdout).toMatch(/Nothing to apply/);
    const drift = await run(['drift', 'gw.yaml', '--target', 'edge', '--verbose']);
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
  });

  it('a rotated key: drift (exit 3) and apply show old and new only as (secret)', async () => {
    const rotated = { ALICE_KEY: SECRETS.aliceKeyRotated };
    const drift = await run(['drift', 'gw.yaml', '--target', 'edge', '--verbose'], rotated);
    expect(drift.code).toBe(3);
    expect(drift.stdout).toMatch(/\(secret\) → \(secret\)/);
    const plan = await run(['plan', 'gw.yaml', '--target', 'edge', '-o', 'out/rotate.json', '--detailed-exitcode', ...ALLOW], rotated);
    expect(plan.code).toBe(3);
    const apply = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', '--verbose', ...ALLOW], rotated);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    // Back to the first key for what follows (the live rotated key must be masked now).
    const back = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', ...ALLOW]);
    expect(back.code, back.stdout + back.stderr).toBe(0);
  });

  it('a direct target with GWCTL_ADMIN_TOKEN, and a named target without its own token', async () => {
    const direct = await run(['plan', 'gw.yaml', '--target', `caddy+${proxy.url}?listen=${listen}&tls=off`, '--verbose', ...ALLOW]);
    expect(direct.code, direct.stderr).toBe(0);
    const other = await run(['drift', 'gw.yaml', '--target', 'other', '--verbose']);
    expect(other.code, other.stderr).toBe(0);
  });

  it('failures whose answers echo the secrets back: the apply body, the request headers', async () => {
    const rotated = { ALICE_KEY: SECRETS.aliceKeyRotated };
    const body = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', '--verbose', ...ALLOW], rotated, faults.onMethod('PATCH', { kind: 'echo', status: 400 }));
    expect(body.code, body.stdout + body.stderr).toBe(1);
    expect(body.stderr).toMatch(/refused PATCH \/config\/apps\/http\/servers\/gwctl: 400 rejected: .*\(secret\)/);
    // --verbose printed the stack and its cause: scrubbed as well (checked below).
    expect(body.stderr).toMatch(/at /);
    const headers = await run(['plan', 'gw.yaml', '--target', 'edge', '--verbose', ...ALLOW], {}, faults.always({ kind: 'echo', status: 400, of: 'headers' }));
    expect(headers.code).toBe(2);
    expect(headers.stderr).toMatch(/"authorization":"Bearer \(secret\)"/);
    const direct = await run(['drift', 'gw.yaml', '--target', `caddy+${proxy.url}?listen=${listen}&tls=off`, '--verbose'], {}, faults.always({ kind: 'echo', status: 401, of: 'headers' }));
    expect(direct.code).toBe(2);
    expect(direct.stderr).toMatch(/Bearer \(secret\).*Check the admin token/);
  });
});

describe('afterwards', () => {
  it('the admin token went only in the Authorization header, never in a URL', () => {
    const gatewayRuns = runs.filter((r) => r.seen.length > 0);
    expect(gatewayRuns.length).toBeGreaterThanOrEqual(12);
    for (const { args, seen } of gatewayRuns) {
      const target = args[args.indexOf('--target') + 1];
      // A saved plan records its named target (edge); only the `other` target has no token of its own.
      const token = target === 'other' || target?.startsWith('caddy+') ? SECRETS.envToken : SECRETS.edgeToken;
      for (const request of seen) {
        expect(request.headers.authorization, `${args.join(' ')}: ${request.method} ${request.url}`).toBe(`Bearer ${token}`);
        const auth = request.rawHeaders.filter((_, i) => i % 2 === 0 && request.rawHeaders[i]!.toLowerCase() === 'authorization');
        expect(auth).toHaveLength(1);
        expect(findLeaks([{ where: 'url', text: request.url }], SECRETS)).toEqual([]);
        expect(findLeaks([{ where: 'headers', text: JSON.stringify({ ...request.headers, authorization: undefined }) }], SECRETS)).toEqual([]);
      }
    }
  });

  it('no secret value (nor any bcrypt hash) in any stdout, stderr or file written', async () => {
    // The hashes gwctl computed, as Caddy holds them: they must not appear anywhere either.
    const live = (await caddy.config()).text;
    const hashes = [...live.matchAll(/"password":"(\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53})"/g)].map((m) => m[1]!);
    expect(hashes.length).toBeGreaterThan(0);
    // ...and Caddy did get the real values (so the search is not vacuous).
    expect(live).toContain(SECRETS.aliceKey);
    expect(live).toContain(SECRETS.bobKey);
    const values: Record<string, string> = { ...SECRETS };
    hashes.forEach((h, i) => { values[`bcrypt hash #${i + 1}`] = h; });
    const texts = [
      ...runs.flatMap(({ args, run: r }) => [
        { where: `stdout of gwctl ${args.join(' ')}`, text: r.stdout },
        { where: `stderr of gwctl ${args.join(' ')}`, text: r.stderr },
      ]),
      ...walk(project, SECRET_FILES),
    ];
    expect(findLeaks(texts, values)).toEqual([]);
    const files = texts.filter((t) => !t.where.startsWith('std')).map((t) => t.where);
    for (const expected of ['out/lint.json', 'out/lint.sarif', 'out/lint.xml', 'out/github.txt', 'out/lint.md', 'out/lint.html', 'out/gitlab.json', 'out/baseline.yaml', 'out/plan.json', 'out/rotate.json', 'gw.yaml', '.gwctl.yaml']) {
      expect(files).toContain(expected);
    }
    expect(files.filter((f) => f.startsWith('.gwctl/journal/')).length).toBeGreaterThanOrEqual(5);
    expect(runs.length).toBeGreaterThanOrEqual(30);
  });
});
