/** The CI gate end to end: every format in one run, baselines, and --since, through bin/gwctl.js. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { E2E, gwctl, json } from './run.js';
import { validateSarif } from '../support/sarif-multitool.js';

function tempProject(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-gate-'));
  cpSync(path.join(E2E, 'seeded'), path.join(dir, 'specs'), { recursive: true });
  return dir;
}

describe('one run writes every format', () => {
  it('writes json, sarif, junit, github, markdown, html and gitlab, and SARIF has one result per JSON finding', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-formats-'));
    const names = ['json', 'sarif', 'junit', 'github', 'markdown', 'html', 'gitlab'];
    const run = gwctl(['lint', 'fixtures/e2e/seeded', ...names.flatMap((n) => ['-f', `${n}:${path.join(dir, `out.${n}`)}`]), '-f', 'stylish']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('oas-tls-only');
    for (const name of names) expect(existsSync(path.join(dir, `out.${name}`)), name).toBe(true);
    const findings = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')).findings;
    const sarifText = readFileSync(path.join(dir, 'out.sarif'), 'utf8');
    expect(JSON.parse(sarifText).runs[0].results).toHaveLength(findings.length);
    expect(readFileSync(path.join(dir, 'out.junit'), 'utf8').match(/<failure/g)).toHaveLength(findings.filter((f: { severity: string }) => f.severity === 'error').length);
    expect(readFileSync(path.join(dir, 'out.github'), 'utf8')).toMatch(/^::error file=fixtures\/e2e\/seeded\/oas30\.json,line=4,/m);
    expect(JSON.parse(readFileSync(path.join(dir, 'out.gitlab'), 'utf8'))).toHaveLength(findings.length);
    expect(readFileSync(path.join(dir, 'out.markdown'), 'utf8')).toContain('| `oas-tls-only` | 2 |');
    expect(readFileSync(path.join(dir, 'out.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(validateSarif(sarifText).errors).toEqual([]);
  }, 180_000);
});

describe('baselines', () => {
  it('known findings pass, pass again after lines move, a new finding fails, an expired entry fails, stale entries are reported', () => {
    const dir = tempProject();
    const created = gwctl(['baseline', 'create', 'specs', '--baseline', 'baseline.yaml'], { cwd: dir });
    expect(created.code).toBe(0);
    const baseline = parse(readFileSync(path.join(dir, 'baseline.yaml'), 'utf8'));
    expect(baseline.entries).toHaveLength(7);
    expect(gwctl(['baseline', 'create', 'specs', '--baseline', 'baseline.yaml'], { cwd: dir }).code).toBe(2); // never overwrites

    const withBaseline = ['lint', 'specs', '--baseline', 'baseline.yaml', '-f', 'json'];
    const known = gwctl(withBaseline, { cwd: dir });
    expect(known.code).toBe(0);
    expect(json(known).findings.every((f) => f.baselined === true)).toBe(true);

    // Lines move: three comment lines at the top of every spec.
    const swagger = path.join(dir, 'specs', 'swagger2.yaml');
    writeFileSync(swagger, `# moved\n# down\n# three lines\n${readFileSync(swagger, 'utf8')}`);
    const moved = gwctl(withBaseline, { cwd: dir });
    expect(moved.code).toBe(0);
    expect(json(moved).findings.find((f) => f.rule === 'oas-tls-only' && String(f.file).endsWith('swagger2.yaml'))?.line).toBe(9);

    // A new violation: another plain-http server.
    const oas31 = path.join(dir, 'specs', 'oas31.yaml');
    writeFileSync(oas31, readFileSync(oas31, 'utf8').replace("  - url: https://api.example.com\n", "  - url: https://api.example.com\n  - url: http://legacy.example.com\n"));
    const added = gwctl(withBaseline, { cwd: dir });
    expect(added.code).toBe(1);
    expect(json(added).findings.filter((f) => !f.baselined).map((f) => `${f.rule} ${f.pointer}`)).toEqual(['oas-tls-only /servers/1/url']);

    // update keeps reasons; an expired entry fails again.
    const updated = gwctl(['baseline', 'update', 'specs', '--baseline', 'baseline.yaml'], { cwd: dir });
    expect(updated.code).toBe(0);
    const entries = parse(readFileSync(path.join(dir, 'baseline.yaml'), 'utf8')).entries as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(8);
    for (const entry of entries) { entry.reason = 'legacy, tracked in JIRA-1'; entry.owner = 'team@example.com'; entry.expires = null; }
    const tls = entries.find((e) => e.pointer === '/servers/1/url')!;
    tls.expires = '2020-01-31';
    writeFileSync(path.join(dir, 'baseline.yaml'), JSON.stringify({ entries }));
    const expired = gwctl(withBaseline, { cwd: dir });
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/expired on 2020-01-31/);
    const reupdated = gwctl(['baseline', 'update', 'specs', '--baseline', 'baseline.yaml'], { cwd: dir });
    expect(reupdated.code).toBe(0);
    const kept = parse(readFileSync(path.join(dir, 'baseline.yaml'), 'utf8')).entries as Array<Record<string, unknown>>;
    expect(kept.every((e) => e.reason === 'legacy, tracked in JIRA-1')).toBe(true);

    // Fix a finding: its entry becomes stale and is reported.
    writeFileSync(oas31, readFileSync(oas31, 'utf8').replace('  - url: http://legacy.example.com\n', ''));
    const stale = gwctl(withBaseline, { cwd: dir });
    expect(stale.code).toBe(0);
    expect(stale.stderr).toMatch(/1 baseline entry matches no finding any more/);
    expect((JSON.parse(stale.stdout).staleBaseline as unknown[]).length).toBe(1);
  });
});

describe('--since', () => {
  it('passes on an unchanged tree and fails only on a newly added violation', () => {
    const dir = tempProject();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'specs with old debt');
    expect(gwctl(['lint', 'specs'], { cwd: dir }).code).toBe(1);
    const unchanged = gwctl(['lint', 'specs', '--since', 'HEAD', '-f', 'json'], { cwd: dir });
    expect(unchanged.code).toBe(0);
    expect(json(unchanged).findings.length).toBeGreaterThan(0);

    const oas30 = path.join(dir, 'specs', 'oas30.json');
    const spec = JSON.parse(readFileSync(oas30, 'utf8'));
    spec.components.securitySchemes.query = { type: 'apiKey', in: 'query', name: 'token' };
    writeFileSync(oas30, JSON.stringify(spec, null, 2));
    // A brand-new file counts too.
    writeFileSync(path.join(dir, 'specs', 'new.yaml'), 'openapi: 3.0.3\ninfo: { title: New, version: "1" }\nservers: [{ url: "http://new.example.com" }]\npaths: {}\n');
    const changed = gwctl(['lint', 'specs', '--since', 'HEAD', '-f', 'json'], { cwd: dir });
    expect(changed.code).toBe(1);
    expect(json(changed).findings.filter((f) => !f.baselined).map((f) => `${f.rule} ${f.file} ${f.pointer}`)).toEqual([
      'oas-tls-only specs/new.yaml /servers/0/url',
      'oas-no-credentials-in-url specs/oas30.json /components/securitySchemes/query/in',
    ]);
    expect(gwctl(['lint', 'specs', '--since', 'no-such-ref'], { cwd: dir }).code).toBe(2);
  });
});
