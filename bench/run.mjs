#!/usr/bin/env node
// gwctl's benchmark against its peers, on the real-world corpus. Not part of `npm test`.
//
//   npm run bench                 # every case, median of 3
//   npm run bench -- --quick      # a small subset, one run each
//   npm run bench -- --runs 5 --only L3,many
//
// Obtains the corpus with ../shared/bench/get-corpus.sh (npm packages only) and installs the peers
// (Spectral CLI 6, Redocly CLI 2.77) into bench/.cache, then runs gwctl and each peer alternately
// on the same files, timing whole processes with GNU time (wall clock and peak RSS), and writes
// bench/RESULTS.md with ratios against the peers measured in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, 'bench', '.cache');
const CORPUS = path.join(CACHE, 'corpus');
const PEERS = path.join(CACHE, 'peers');
const SHARED = process.env.GWCTL_SHARED ?? path.resolve(ROOT, '..', 'shared');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = Number(valueOf('--runs') ?? (quick ? 1 : 3));
const only = valueOf('--only')?.split(',');
const out = valueOf('--out') ?? path.join(ROOT, 'bench', quick ? 'RESULTS.quick.md' : 'RESULTS.md');

function valueOf(flag) {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

function ensureCorpus() {
  if (existsSync(path.join(CORPUS, 'sources.tsv'))) return;
  const script = path.join(SHARED, 'bench', 'get-corpus.sh');
  if (!existsSync(script)) throw new Error(`cannot find ${script}; set GWCTL_SHARED to the shared/ folder`);
  log('fetching the corpus from npm (about 80 MB)…');
  execFileSync('bash', [script, CORPUS], { stdio: 'inherit' });
}

function ensurePeers() {
  const bins = ['spectral', 'redocly'].map((b) => path.join(PEERS, 'node_modules', '.bin', b));
  if (bins.every(existsSync) && existsSync(path.join(PEERS, 'node_modules', '@stoplight', 'spectral-owasp-ruleset'))) return;
  mkdirSync(PEERS, { recursive: true });
  writeFileSync(path.join(PEERS, 'package.json'), '{"name":"gwctl-bench-peers","private":true}\n');
  log('installing the peers into bench/.cache/peers…');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '@stoplight/spectral-cli@6', '@redocly/cli@2.77.0', '@stoplight/spectral-owasp-ruleset@2'], { cwd: PEERS, stdio: 'inherit' });
}

function ensureBuilt() {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

/** Work folders holding each peer's config, so each tool runs with exactly the ruleset we name. */
function workdirs() {
  const base = path.join(CACHE, 'work');
  rmSync(base, { recursive: true, force: true });
  const dirs = {};
  const make = (name, files) => {
    const dir = path.join(base, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    dirs[name] = dir;
  };
  make('gwctl', {});
  make('gwctl-cached', {});
  make('spectral-oas', { '.spectral.yaml': 'extends: ["spectral:oas"]\n' });
  make('spectral-owasp', { '.spectral.yaml': readFileSync(path.join(ROOT, 'bench', 'rulesets', 'spectral-owasp-equivalent.yaml'), 'utf8') });
  make('redocly', { 'redocly.yaml': 'extends:\n  - recommended\n' });
  return dirs;
}

const gwctlBin = path.join(ROOT, 'bin', 'gwctl.js');
const spectralBin = () => path.join(PEERS, 'node_modules', '.bin', 'spectral');
const redoclyBin = () => path.join(PEERS, 'node_modules', '.bin', 'redocly');

/** One whole-process run under GNU time: wall seconds and peak RSS in MiB. */
function measure(command, argv, cwd) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 600_000, env: { ...process.env, NO_COLOR: '1', NODE_PATH: path.join(PEERS, 'node_modules') } });
  const last = result.stderr.trim().split('\n').pop() ?? '';
  const [wall, rssKb] = last.split(' ').map(Number);
  if (!Number.isFinite(wall)) return { wall: NaN, rss: NaN, code: result.status, error: result.stderr.slice(-400) };
  return { wall, rss: rssKb / 1024, code: result.status };
}

function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function sizeMb(files) {
  return files.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6;
}

function listDir(dir) {
  return readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f)).map((f) => path.join(dir, f)).sort();
}

async function main() {
  ensureCorpus();
  ensurePeers();
  ensureBuilt();
  const dirs = workdirs();
  const large = (name) => listDir(path.join(CORPUS, 'large')).find((f) => path.basename(f).startsWith(name));
  const tiny = listDir(path.join(CORPUS, 'small')).find((f) => f.includes('xkcd'));
  const many = listDir(path.join(CORPUS, 'many'));
  const medium = listDir(path.join(CORPUS, 'medium'));
  const small = listDir(path.join(CORPUS, 'small'));
  const xl = listDir(path.join(CORPUS, 'xl'));

  // Every gwctl run but the cache case lints from scratch (--no-cache): the peers have no cache.
  const gwctl = (files, extra = []) => ({ tool: 'gwctl', cmd: process.execPath, argv: [gwctlBin, 'lint', ...files, '-f', 'json', '--fail-severity', 'none', '--no-cache', ...extra], cwd: dirs.gwctl });
  const gwctlCached = (files) => ({ tool: 'gwctl (cache)', cmd: process.execPath, argv: [gwctlBin, 'lint', ...files, '-f', 'json', '--fail-severity', 'none'], cwd: dirs['gwctl-cached'] });
  const redocly = (files) => ({ tool: 'redocly', cmd: redoclyBin(), argv: ['lint', ...files, '--format=json', '--max-problems', '1000000'], cwd: dirs.redocly });
  const spectral = (files, ruleset) => ({ tool: `spectral (${ruleset})`, cmd: spectralBin(), argv: ['lint', ...files, '-f', 'json', '--quiet'], cwd: dirs[`spectral-${ruleset}`] });

  const cases = [
    { id: 'version', label: '`--version` (start-up)', mb: 0, tools: [
      { tool: 'gwctl', cmd: process.execPath, argv: [gwctlBin, '--version'], cwd: dirs.gwctl },
      { tool: 'redocly', cmd: redoclyBin(), argv: ['--version'], cwd: dirs.redocly },
      { tool: 'spectral (oas)', cmd: spectralBin(), argv: ['--version'], cwd: dirs['spectral-oas'] }] },
    { id: 'tiny', label: 'tiny spec (1.4 KB)', files: [tiny], tools: [gwctl([tiny]), redocly([tiny]), spectral([tiny], 'oas'), spectral([tiny], 'owasp')] },
    { id: 'small', label: '24 small specs, one run', files: small, tools: [gwctl(small), redocly(small), spectral(small, 'owasp')], skipQuick: true },
    { id: 'medium', label: '5 medium specs (0.3–1.2 MB), one run', files: medium, tools: [gwctl(medium), redocly(medium), spectral(medium, 'owasp')], skipQuick: true },
    { id: 'L3', label: 'Stripe, 2.5 MB', files: [large('L3')], tools: [gwctl([large('L3')]), redocly([large('L3')]), spectral([large('L3')], 'oas'), spectral([large('L3')], 'owasp')] },
    { id: 'L3-spectral-oas', label: 'Stripe, user ruleset extending spectral:oas (same ruleset for both)', files: [large('L3')], tools: [
      gwctl([large('L3')], ['-r', path.join(ROOT, 'bench', 'rulesets', 'spectral-oas.yaml')]), spectral([large('L3')], 'oas')] },
    { id: 'L2', label: 'Kubernetes, 4.2 MB, Swagger 2.0', files: [large('L2')], tools: [gwctl([large('L2')]), redocly([large('L2')]), spectral([large('L2')], 'owasp')], skipQuick: true },
    { id: 'L1', label: 'GitHub REST, 13 MB', files: [large('L1')], tools: [gwctl([large('L1')]), redocly([large('L1')]), spectral([large('L1')], 'owasp'), ...(args.includes('--spectral-oas-github') ? [spectral([large('L1')], 'oas')] : [])], skipQuick: true },
    { id: 'many', label: '200 small real specs, one run', files: many, tools: [gwctl(many), redocly(many), spectral(many, 'owasp')] },
    { id: 'many-cached', label: 'the same 200 specs again, unchanged (cache)', files: many, warm: true, tools: [gwctlCached(many)] },
    { id: 'X1', label: 'Microsoft Graph, 20 MB', files: xl, tools: [gwctl(xl), redocly(xl)], skipQuick: true },
  ].filter((c) => (!only || only.includes(c.id)) && !(quick && c.skipQuick));

  const results = [];
  if ((!only || only.includes('apply-1000')) && !quick) results.push(...await applyCase());
  for (const c of cases) {
    log(`case ${c.id}: ${c.label}`);
    if (c.warm) for (const t of c.tools) measure(t.cmd, t.argv, t.cwd);
    const samples = new Map(c.tools.map((t) => [t.tool, []]));
    for (let i = 0; i < runs; i++) {
      // Alternate the tools within each round so machine noise hits all of them alike.
      for (const t of c.tools) {
        const m = measure(t.cmd, t.argv, t.cwd);
        if (!Number.isFinite(m.wall)) log(`  ${t.tool} failed (exit ${m.code}): ${m.error}`);
        samples.get(t.tool).push(m);
        log(`  ${t.tool}: ${m.wall.toFixed(2)} s, ${m.rss.toFixed(0)} MiB`);
      }
    }
    const row = { id: c.id, label: c.label, mb: c.files ? sizeMb(c.files) : 0, tools: {} };
    for (const [tool, list] of samples) row.tools[tool] = { wall: median(list.map((m) => m.wall)), rss: median(list.map((m) => m.rss)), runs: list.length };
    results.push(row);
  }
  writeFileSync(out, render(results));
  writeFileSync(out.replace(/\.md$/, '.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), out)}`);
}

function fmt(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

function render(results) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# gwctl benchmark results',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
    `Whole process, median of ${runs} run(s), tools alternated within each round; wall seconds and peak RSS (GNU time).`,
    'gwctl runs `gwctl:recommended`; Redocly runs `recommended`; "spectral (oas)" runs `spectral:oas`; "spectral (owasp)" runs the',
    'OWASP rules that do the same governance work as gwctl (auth on every operation, https only, 429 documented, no keys in URLs).',
    '',
    '| case | MB | tool | wall s | peak MiB | gwctl ÷ tool (wall) | gwctl MB/s |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of results) {
    const g = row.tools.gwctl ?? row.tools['gwctl (cache)'];
    for (const [tool, m] of Object.entries(row.tools)) {
      const ratio = tool.startsWith('gwctl') ? '' : fmt(g.wall / m.wall);
      const rate = tool.startsWith('gwctl') && row.mb > 0 ? fmt(row.mb / m.wall, 1) : '';
      lines.push(`| ${row.label} | ${row.mb ? fmt(row.mb, 2) : ''} | ${tool} | ${fmt(m.wall)} | ${fmt(m.rss, 0)} | ${ratio} | ${rate} |`);
    }
  }
  lines.push('', ...targetLines(results), '');
  return lines.join('\n');
}

/** The performance targets gwctl holds itself to, checked against this run's medians. */
function targetLines(results) {
  const get = (id, tool) => results.find((r) => r.id === id)?.tools[tool];
  const rows = [];
  const check = (label, value, limit, unit) => {
    if (value === undefined || !Number.isFinite(value)) return rows.push(`| ${label} | not measured | ${limit}${unit} | — |`);
    rows.push(`| ${label} | ${fmt(value)}${unit} | ≤ ${limit}${unit} | ${value <= limit ? 'met' : '**missed**'} |`);
  };
  const ratio = (id, peer) => { const g = get(id, 'gwctl'); const p = get(id, peer); return g && p ? g.wall / p.wall : undefined; };
  check('GitHub REST 13 MB, wall', get('L1', 'gwctl')?.wall, 1.0, ' s');
  check('GitHub REST 13 MB, peak RSS', get('L1', 'gwctl')?.rss, 350, ' MiB');
  check('GitHub REST 13 MB, ratio to Redocly', ratio('L1', 'redocly'), 0.2, '');
  check('Stripe 2.5 MB, wall', get('L3', 'gwctl')?.wall, 0.45, ' s');
  check('Stripe 2.5 MB, ratio to Redocly', ratio('L3', 'redocly'), 0.3, '');
  check('tiny spec, wall', get('tiny', 'gwctl')?.wall, 0.2, ' s');
  check('tiny spec, ratio to Redocly', ratio('tiny', 'redocly'), 0.5, '');
  check('`gwctl --version`, wall', get('version', 'gwctl')?.wall, 0.1, ' s');
  check('200 small specs, wall', get('many', 'gwctl')?.wall, 2.0, ' s');
  check('200 small specs, ratio to Redocly', ratio('many', 'redocly'), 0.3, '');
  check('Microsoft Graph 20 MB, wall', get('X1', 'gwctl')?.wall, 2.5, ' s');
  check('Microsoft Graph 20 MB, peak RSS', get('X1', 'gwctl')?.rss, 800, ' MiB');
  check('same 200 specs again (cache), wall', get('many-cached', 'gwctl (cache)')?.wall, 0.4, ' s');
  check('user ruleset extending spectral:oas on Stripe, ratio to Spectral CLI', ratio('L3-spectral-oas', 'spectral (oas)'), 0.7, '');
  check('plan + apply of 1,000 routes to Caddy, wall', get('apply-1000', 'gwctl')?.wall, 1.5, ' s');
  return ['## Targets', '', '| target | this run | limit | |', '|---|---|---|---|', ...rows];
}

/**
 * plan + apply of a 1,000-route config to a real Caddy (admin on loopback), against Caddy's own
 * `POST /load` of the same rendered config. Each round starts from an empty gateway.
 */
async function applyCase() {
  const { spawn } = await import('node:child_process');
  const { createServer } = await import('node:net');
  const freePort = () => new Promise((resolve) => { const srv = createServer(); srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); }); });
  const [admin, listen] = [await freePort(), await freePort()];
  const dir = path.join(CACHE, 'work', 'apply');
  mkdirSync(path.join(dir, 'xdg'), { recursive: true });
  const base = { admin: { listen: `127.0.0.1:${admin}`, config: { persist: false } }, apps: { http: { servers: {} } } };
  writeFileSync(path.join(dir, 'caddy.json'), JSON.stringify(base));
  execFileSync(process.execPath, [path.join(ROOT, 'fixtures', 'live', 'generate-large.mjs'), path.join(dir, 'gateway.yaml'), 'http://127.0.0.1:9', '10', '100', '50']);
  const env = { ...process.env, XDG_DATA_HOME: path.join(dir, 'xdg'), XDG_CONFIG_HOME: path.join(dir, 'xdg'), HOME: path.join(dir, 'xdg') };
  for (let c = 0; c < 50; c++) env[`BENCH_KEY_${c}`] = `bench-key-${c}-${'x'.repeat(16)}`;
  const caddy = spawn('caddy', ['run', '--config', path.join(dir, 'caddy.json')], { env, stdio: 'ignore' });
  const adminUrl = `http://127.0.0.1:${admin}`;
  try {
    for (let i = 0; i < 50; i++) {
      try { if ((await fetch(`${adminUrl}/config/`)).ok) break; } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Caddy may close the admin connection while it swaps configs: the load has happened then.
    const load = async (body) => {
      try {
        await fetch(`${adminUrl}/load`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body });
      } catch (error) {
        if (!/other side closed|ECONNRESET/.test(String(error?.cause?.message ?? error))) throw error;
      }
    };
    // A kept-alive admin connection may have been closed while spawnSync blocked: retry once.
    const getConfig = async () => {
      try { return await (await fetch(`${adminUrl}/config/`)).text(); } catch { return (await fetch(`${adminUrl}/config/`)).text(); }
    };
    const target = `caddy+${adminUrl}?listen=127.0.0.1:${listen}&tls=off`;
    const gwctlSamples = [];
    const loadSamples = [];
    let rendered;
    for (let i = 0; i < runs; i++) {
      await load(JSON.stringify(base));
      const started = performance.now();
      const result = spawnSync(process.execPath, [gwctlBin, 'apply', 'gateway.yaml', '--target', target, '--allow-unenforced', 'rate-limit,tls', '--yes'], { cwd: dir, env, encoding: 'utf8' });
      gwctlSamples.push((performance.now() - started) / 1000);
      if (result.status !== 0) log(`  gwctl apply failed (exit ${result.status}): ${result.stderr.slice(-400)}`);
      rendered = await getConfig();
      await load(JSON.stringify(base));
      const loadStart = performance.now();
      await load(rendered);
      loadSamples.push((performance.now() - loadStart) / 1000);
      log(`  gwctl plan+apply: ${gwctlSamples.at(-1).toFixed(2)} s; caddy /load: ${loadSamples.at(-1).toFixed(2)} s`);
    }
    const mb = Buffer.byteLength(rendered ?? '') / 1e6;
    return [{ id: 'apply-1000', label: 'plan + apply of a 1,000-route config to Caddy (whole gwctl process vs Caddy\'s own POST /load)', mb: 0, tools: {
      gwctl: { wall: median(gwctlSamples), rss: NaN, runs: gwctlSamples.length },
      [`caddy /load (${mb.toFixed(1)} MB config)`]: { wall: median(loadSamples), rss: NaN, runs: loadSamples.length },
    } }];
  } finally {
    caddy.kill();
  }
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
