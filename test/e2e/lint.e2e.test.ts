/** End-to-end: the real bin/gwctl.js, its output and exit code, for every lint flag. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E, gwctl, gwctlAsync, json } from './run.js';

const ANSI = /\u001b\[/;
const rel = (p: string) => path.relative(path.resolve(E2E, '..', '..'), p);

describe('gwctl lint: findings', () => {
  it('reports exactly the seeded findings in Swagger 2.0, OAS 3.0 and OAS 3.1 (rule, file, pointer, line)', () => {
    const run = gwctl(['lint', rel(path.join(E2E, 'seeded')), '-f', 'json']);
    expect(run.code).toBe(1);
    const found = json(run).findings.map((f) => [f.rule, path.basename(String(f.file)), f.pointer, f.line]);
    expect(found).toEqual([
      ['oas-tls-only', 'oas30.json', '/servers/0/url', 4],
      ['oas-security-scheme-defined', 'oas30.json', '/paths/~1orders/delete/security/0/missing', 12],
      ['oas-auth-required', 'oas31.yaml', '/paths/~1items/get/security', 10],
      ['oas-tls-only', 'swagger2.yaml', '/schemes/1', 6],
      ['oas-no-credentials-in-url', 'swagger2.yaml', '/securityDefinitions/queryKey/in', 8],
      ['oas-rate-limit-declared', 'swagger2.yaml', '/paths/~1pets/get/responses', 14],
      ['oas-auth-required', 'swagger2.yaml', '/paths/~1pets/post', 16],
    ]);
    expect(json(run).summary).toEqual({ files: 3, errors: 6, warnings: 1, infos: 0, hints: 0 });
  });

  it('gives the json shape of the spec, with 1-based ranges and a stable fingerprint', () => {
    const run = gwctl(['lint', 'fixtures/e2e/seeded/oas30.json', '-f', 'json']);
    const out = json(run);
    expect(out.tool).toEqual({ name: 'gwctl', version: '0.1.0' });
    const first = out.findings[0]!;
    expect(Object.keys(first)).toEqual(['rule', 'severity', 'message', 'file', 'pointer', 'line', 'column', 'endLine', 'endColumn', 'fingerprint', 'baselined']);
    expect(first).toMatchObject({ file: 'fixtures/e2e/seeded/oas30.json', line: 4, column: 17, endLine: 4, baselined: false });
    expect(first.fingerprint).toMatch(/^[0-9a-f]{16,}$/);
  });

  it('points into the file a $ref leads to, and lints circular refs normally', () => {
    const run = gwctl(['lint', 'fixtures/e2e/refs/main.yaml', '-f', 'json']);
    expect(run.code).toBe(1);
    const found = json(run).findings.map((f) => [f.rule, f.file, f.pointer, f.line]);
    expect(found).toEqual([
      ['oas-rate-limit-declared', 'fixtures/e2e/refs/paths/nodes.yaml', '/get/responses', 3],
      ['oas-no-credentials-in-url', 'fixtures/e2e/refs/schemes.yaml', '/QueryKey/in', 3],
    ]);
  });

  it('exits 0 on a clean spec and says so', () => {
    const run = gwctl(['lint', 'fixtures/e2e/clean/clean.yaml']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/no problems/i);
  });

  it('takes folders and globs', () => {
    const byGlob = json(gwctl(['lint', 'fixtures/e2e/seeded/*.yaml', '-f', 'json']));
    expect(new Set(byGlob.findings.map((f) => f.file))).toEqual(new Set(['fixtures/e2e/seeded/oas31.yaml', 'fixtures/e2e/seeded/swagger2.yaml']));
    const byFolder = json(gwctl(['lint', 'fixtures/e2e/seeded', '-f', 'json']));
    expect(byFolder.summary.files).toBe(3);
  });

  it('prints stylish output grouped by file with line:col, severity, message, rule and a summary, without colour off a terminal', () => {
    const run = gwctl(['lint', 'fixtures/e2e/seeded/swagger2.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('fixtures/e2e/seeded/swagger2.yaml');
    expect(run.stdout).toMatch(/6:\d+\s+error\s+.*oas-tls-only/);
    expect(run.stdout).toMatch(/3 errors?/);
    expect(run.stdout).not.toMatch(ANSI);
  });
});

describe('gwctl lint: flags and exit codes', () => {
  const warnOnly = 'fixtures/e2e/refs/paths/nodes.yaml';

  it('--fail-severity decides what fails', () => {
    // oas30.json has errors; with none nothing fails.
    expect(gwctl(['lint', 'fixtures/e2e/seeded/oas30.json', '--fail-severity', 'none']).code).toBe(0);
    expect(gwctl(['lint', 'fixtures/e2e/seeded/oas30.json', '--fail-severity', 'error']).code).toBe(1);
    // A warning only fails from warn down.
    const warnings = gwctl(['lint', 'fixtures/e2e/seeded/swagger2.yaml', '-r', 'fixtures/e2e/rulesets/warn-only.yaml']);
    expect(warnings.code).toBe(0);
    expect(gwctl(['lint', 'fixtures/e2e/seeded/swagger2.yaml', '-r', 'fixtures/e2e/rulesets/warn-only.yaml', '--fail-severity', 'warn']).code).toBe(1);
    expect(gwctl(['lint', 'x.yaml', '--fail-severity', 'fatal']).code).toBe(2);
    expect(warnOnly).toBeTruthy();
  });

  it('--max-warnings fails a run with more warnings than allowed', () => {
    const args = ['lint', 'fixtures/e2e/seeded/swagger2.yaml', '-r', 'fixtures/e2e/rulesets/warn-only.yaml'];
    expect(gwctl([...args, '--max-warnings', '1']).code).toBe(0);
    const over = gwctl([...args, '--max-warnings', '0']);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/more than --max-warnings 0/);
    expect(gwctl([...args, '--max-warnings', 'lots']).code).toBe(2);
  });

  it('-q shows only the findings that fail the run', () => {
    const run = gwctl(['lint', 'fixtures/e2e/seeded/swagger2.yaml', '-q']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('oas-tls-only');
    expect(run.stdout).not.toContain('oas-rate-limit-declared');
    const clean = gwctl(['lint', 'fixtures/e2e/clean/clean.yaml', '-q']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('');
  });

  it('--no-color and NO_COLOR keep escape codes out (colour itself is tested in-process on a fake TTY)', () => {
    expect(gwctl(['lint', 'fixtures/e2e/seeded/swagger2.yaml', '--no-color']).stdout).not.toMatch(ANSI);
    expect(gwctl(['lint', 'fixtures/e2e/seeded/swagger2.yaml'], { env: { NO_COLOR: '1' } }).stdout).not.toMatch(ANSI);
  });

  it('--verbose prints timings per phase and rule', () => {
    const run = gwctl(['lint', 'fixtures/e2e/seeded/swagger2.yaml', '--verbose', '--no-cache']);
    expect(run.stderr).toMatch(/timing rule oas-auth-required: [\d.]+ ms/);
    expect(run.stderr).toMatch(/timing load: /);
  });

  it('-f NAME:FILE writes that format to the file while stylish goes to stdout', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-out-'));
    const out = path.join(dir, 'sub', 'report.json');
    const run = gwctl(['lint', 'fixtures/e2e/seeded/oas30.json', '-f', 'stylish', '-f', `json:${out}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('oas-tls-only');
    expect(JSON.parse(readFileSync(out, 'utf8')).findings).toHaveLength(2);
    expect(gwctl(['lint', 'fixtures/e2e/seeded/oas30.json', '-f', 'yaml']).code).toBe(2);
  });

  it('--version and --help answer fast and exit 0; an unknown flag exits 2', () => {
    const version = gwctl(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(E2E, '..', '..', 'package.json'), 'utf8')).version);
    expect(gwctl(['lint', '--help']).stdout).toContain('--fail-severity');
    const bad = gwctl(['lint', '--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option/);
  });
});

describe('gwctl lint: bad input', () => {
  it('a parse error names file, line and column, exits 2, and has no stack trace', () => {
    const run = gwctl(['lint', 'fixtures/e2e/broken/bad.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gwctl: fixtures\/e2e\/broken\/bad\.yaml:\d+:\d+: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('--verbose adds the stack trace', () => {
    const run = gwctl(['lint', 'fixtures/e2e/broken/bad.yaml', '--verbose']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('a file that is neither a spec nor a config is a clear error when named, and skipped in a folder scan', () => {
    const named = gwctl(['lint', 'fixtures/e2e/broken/notaspec.yaml']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/notaspec\.yaml: is neither an OpenAPI document/);
    const project = mkdtempSync(path.join(os.tmpdir(), 'gwctl-mixed-'));
    writeFileSync(path.join(project, 'values.yaml'), 'replicas: 3\n');
    writeFileSync(path.join(project, 'api.yaml'), readFileSync(path.join(E2E, 'clean', 'clean.yaml')));
    const scanned = gwctl(['lint', '.', '-f', 'json'], { cwd: project });
    expect(scanned.code).toBe(0);
    expect(json(scanned).summary.files).toBe(1);
  });

  it('a missing path is an error naming it', () => {
    const run = gwctl(['lint', 'no/such/spec.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no/such/spec.yaml');
  });
});

describe('gwctl lint: safe $refs', () => {
  it('makes no connection for a remote $ref unless its host is allowed, then fetches it and points findings into it', async () => {
    const requests: string[] = [];
    const server = createHttpServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/shared/paths.yaml') res.end('a:\n  get:\n    responses:\n      "200": { description: OK }\n');
      else { res.statusCode = 404; res.end(); }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-remote-'));
      writeFileSync(path.join(dir, 'api.yaml'), [
        'openapi: 3.0.3', 'info: { title: Remote, version: "1" }', 'servers: [{ url: "https://api.example.com" }]',
        'security: [{ key: [] }]', 'paths:', '  /a:', `    $ref: 'http://127.0.0.1:${port}/shared/paths.yaml#/a'`,
        'components: { securitySchemes: { key: { type: apiKey, in: header, name: X-Key } } }', '',
      ].join('\n'));
      const refused = await gwctlAsync(['lint', 'api.yaml'], { cwd: dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/api\.yaml:7:\d+: remote \$ref .* is refused/);
      expect(refused.stderr).toContain('--allow-remote-refs 127.0.0.1');
      const otherHost = await gwctlAsync(['lint', 'api.yaml', '--allow-remote-refs', 'specs.example.com'], { cwd: dir });
      expect(otherHost.code).toBe(2);
      expect(requests).toEqual([]);

      const allowed = await gwctlAsync(['lint', 'api.yaml', '--allow-remote-refs', '127.0.0.1', '-f', 'json'], { cwd: dir });
      expect(requests).toEqual(['/shared/paths.yaml']);
      expect(allowed.code).toBe(0); // a warning only: no 429 on the remote operation
      expect(json(allowed).findings.map((f) => [f.rule, f.file, f.pointer, f.line])).toEqual([
        ['oas-rate-limit-declared', `http://127.0.0.1:${port}/shared/paths.yaml`, '/a/get/responses', 3],
      ]);

      writeFileSync(path.join(dir, 'api.yaml'), readFileSync(path.join(dir, 'api.yaml'), 'utf8').replace('/shared/paths.yaml', '/shared/moved.yaml'));
      const missing = await gwctlAsync(['lint', 'api.yaml', '--allow-remote-refs', '127.0.0.1'], { cwd: dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^gwctl: api\.yaml:7:\d+: the remote \$ref target http:\/\/127\.0\.0\.1:\d+\/shared\/moved\.yaml answered HTTP 404/);
    } finally {
      server.close();
    }
  });

  it('refuses a $ref that leaves the project root without reading the target', () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'gwctl-outside-'));
    const project = path.join(outside, 'project');
    mkdirSync(project);
    // A FIFO blocks whoever opens it for reading: if gwctl read it, this test would time out.
    const fifo = path.join(outside, 'secret.yaml');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(path.join(project, 'api.yaml'), [
      'openapi: 3.0.3', 'info: { title: Escape, version: "1" }', 'paths:', '  /a:', "    $ref: '../secret.yaml#/a'", '',
    ].join('\n'));
    const run = gwctl(['lint', 'api.yaml'], { cwd: project });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/api\.yaml:5:\d+: \$ref '\.\.\/secret\.yaml#\/a' leaves the project root/);
    expect(existsSync(fifo)).toBe(true);
  });
});

describe('gwctl lint: rulesets and project config', () => {
  it('-r takes a Spectral-format ruleset extending gwctl:recommended and spectral:oas, with custom functions', () => {
    const run = gwctl(['lint', 'fixtures/e2e/rulesets/todo.yaml', '-r', 'fixtures/e2e/rulesets/custom.yaml', '-f', 'json']);
    expect(run.code).toBe(1);
    const rules = json(run).findings.map((f) => `${f.rule}:${f.severity}`);
    expect(rules).toContain('no-todo-in-title:error');          // custom function
    expect(rules).toContain('oas-rate-limit-declared:error');   // severity override of a gwctl rule
    expect(rules).toContain('operation-description:warn');      // from spectral:oas
    expect(rules.some((r) => r.startsWith('info-contact'))).toBe(false); // turned off
  });

  it('finds .gwctl.yaml upward, lints its `files`, and applies its overrides by file', () => {
    const run = gwctl(['lint', '-f', 'json'], { cwd: path.join(E2E, 'project', 'sub') });
    expect(run.code).toBe(1);
    const found = json(run).findings.map((f) => `${f.rule}:${f.severity}:${f.file}`);
    expect(found).toEqual([
      'oas-tls-only:warn:../specs/legacy-billing.yaml',
      'oas-rate-limit-declared:error:../specs/legacy-billing.yaml',
    ]);
  });

  it('a broken ruleset is a clear error, exit 2', () => {
    const run = gwctl(['lint', 'fixtures/e2e/clean/clean.yaml', '-r', 'fixtures/e2e/rulesets/broken.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/rule 'oas-tls-only' has severity "loud"/);
  });
});

describe('gwctl rules', () => {
  it('lists every rule and explains one', () => {
    const list = gwctl(['rules', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/oas-auth-required\s+error/);
    const explain = gwctl(['rules', 'explain', 'oas-tls-only']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/What it checks[\s\S]+Why[\s\S]+How to fix/);
    const unknown = gwctl(['rules', 'explain', 'oas-tls']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean oas-tls-only/);
  });
});

describe('gwctl lint: the cache', () => {
  it('reuses results of unchanged specs, notices a change in a $ref target, and can be turned off', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-cache-'));
    cpSync(path.join(E2E, 'refs'), dir, { recursive: true });
    const first = gwctl(['lint', 'main.yaml', '-f', 'json', '--verbose'], { cwd: dir });
    expect(first.stderr).toMatch(/timing rule oas-no-credentials-in-url/);
    expect(existsSync(path.join(dir, '.gwctl', 'cache', 'lint-v1.json'))).toBe(true);

    const second = gwctl(['lint', 'main.yaml', '-f', 'json', '--verbose'], { cwd: dir });
    expect(second.stderr).not.toMatch(/timing rule /); // nothing was linted again
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(first.code);

    // The finding lives in a file main.yaml reaches through $ref: fixing it there must show.
    writeFileSync(path.join(dir, 'schemes.yaml'), 'QueryKey:\n  type: apiKey\n  in: header\n  name: key\n');
    const fixed = gwctl(['lint', 'main.yaml', '-f', 'json'], { cwd: dir });
    expect(json(fixed).findings.map((f) => f.rule)).toEqual(['oas-rate-limit-declared']);

    // Another ruleset is another cache key.
    const strict = gwctl(['lint', 'main.yaml', '-f', 'json', '-r', 'gwctl:strict'], { cwd: dir });
    expect(json(strict).findings.find((f) => f.rule === 'oas-rate-limit-declared')?.severity).toBe('error');

    const uncached = gwctl(['lint', 'main.yaml', '-f', 'json', '--verbose', '--no-cache'], { cwd: dir });
    expect(uncached.stderr).toMatch(/timing rule oas-rate-limit-declared/);
    expect(uncached.stdout).toBe(fixed.stdout);
  });
});

