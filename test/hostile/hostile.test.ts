/**
 * Hostile input, end to end: every file of fixtures/hostile (and the big ones generated here) is
 * linted by the real bin/gwctl.js, which must answer with exit 0/1/2 and a one-paragraph message
 * naming the file (and line), never a crash or a stack trace, within 20 s and 1 GB.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE, ROOT, expectContained, expectRefusal, gwctl } from './run.js';
import { bigJsonSpec, bigYamlSpec, deepJson, deepYamlBlock, deepYamlFlow, jsonObjectFlood, nestedSchemaSpec, yamlTokenFlood } from './generate.js';

const fixture = (name: string) => `fixtures/hostile/${name}`;

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'gwctl-hostile-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

/** The line where the first JSON container at `depth` opens (the top level is depth 1). */
function lineOfDepth(json: string, depth: number): number {
  let level = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') { if (++level === depth) return line; }
    else if (c === '}' || c === ']') level--;
  }
  throw new Error(`no container at depth ${depth}`);
}

/** findings of a `-f json` run */
function findings(stdout: string): Array<{ rule: string; pointer: string; line: number; file: string }> {
  return (JSON.parse(stdout) as { findings: Array<{ rule: string; pointer: string; line: number; file: string }> }).findings;
}

describe('hostile files: refused with a clear error naming the file', () => {
  const cases: Array<{ name: string; file: string; line?: number; message: RegExp }> = [
    { name: 'truncated YAML', file: 'truncated.yaml', line: 9, message: /Missing closing "quote/ },
    { name: 'truncated JSON (reported by the YAML parser, with the line)', file: 'truncated.json', line: 6, message: /Missing closing "quote/ },
    { name: 'tab indentation', file: 'tabs.yaml', line: 3, message: /YAML indentation must use spaces, not tabs/ },
    { name: 'binary bytes (a PNG header)', file: 'png-bytes.yaml', line: 1, message: /is not valid UTF-8 text \(byte 0x89 at offset 0\)/ },
    { name: 'an empty file', file: 'empty.yaml', message: /the file is empty/ },
    { name: 'YAML that is neither OpenAPI nor a gateway config', file: 'helm-values.yaml', message: /is neither an OpenAPI document .* nor a gateway config/ },
    { name: 'a billion-laughs alias bomb', file: 'billion-laughs.yaml', message: /expands too many aliases \(more than 1000\); this looks like an alias bomb/ },
    { name: 'an alias inside the node it refers to (a cycle)', file: 'alias-cycle.yaml', line: 6, message: /has a YAML alias inside the node it refers to \(a cycle\)/ },
    { name: 'duplicate keys in YAML', file: 'duplicate-keys.yaml', line: 7, message: /"security" appears twice in the same mapping/ },
    { name: 'duplicate keys in JSON (JSON.parse would silently keep the last)', file: 'duplicate-keys.json', line: 6, message: /the key "security" appears twice in the same object/ },
    { name: 'non-UTF-8 bytes (Latin-1)', file: 'latin1.yaml', line: 3, message: /is not valid UTF-8 text \(byte 0xE9 at offset \d+\).*Latin-1/ },
    { name: 'a merge key (<<) whose value is not a mapping', file: 'merge-not-a-map.yaml', message: /cannot be turned into data: Merge sources must be maps/ },
    { name: 'a $ref with a malformed %-escape (was an "unexpected error")', file: 'malformed-ref.yaml', line: 5, message: /\$ref '%\/metric-item\.yaml' is not a valid reference/ },
    { name: 'two YAML documents in one file', file: 'two-documents.yaml', line: 4, message: /holds more than one YAML document/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const run = await gwctl(['lint', fixture(c.file)]);
      expectRefusal(run, fixture(c.file), c.line);
      expect(run.stderr).toMatch(c.message);
      expect(run.stdout).toBe('');
    });
  }
});

describe('hostile files: deep nesting, refused before anything recurses', () => {
  it('200,000-deep JSON [[[…]]]', async () => {
    const file = path.join(tmp, 'deep.json');
    deepJson(file, 200_000);
    const run = await gwctl(['lint', file]);
    expectRefusal(run, path.relative(process.cwd(), file), 1);
    expect(run.stderr).toMatch(/is nested deeper than 500 levels; .* raise --max-depth/);
  });

  it('200,000-deep YAML flow lists inside a spec', async () => {
    deepYamlFlow(path.join(tmp, 'deep-flow.yaml'), 200_000);
    const run = await gwctl(['lint', 'deep-flow.yaml'], { cwd: tmp });
    expectRefusal(run, 'deep-flow.yaml', 4);
    expect(run.stderr).toMatch(/is nested deeper than 500 levels/);
  });

  it('200,000-deep YAML block lists (`- - - …`) inside a spec', async () => {
    deepYamlBlock(path.join(tmp, 'deep-block.yaml'), 200_000);
    const run = await gwctl(['lint', 'deep-block.yaml'], { cwd: tmp });
    expectRefusal(run, 'deep-block.yaml', 5);
    expect(run.stderr).toMatch(/is nested deeper than 500 levels/);
  });
});

describe('hostile files: size floods, refused before they exhaust the heap', () => {
  it('a 12 MB YAML list of 6 million tiny items (would need ~6 GB and crash node)', async () => {
    yamlTokenFlood(path.join(tmp, 'flood.yaml'), 6_000_000);
    const run = await gwctl(['lint', 'flood.yaml'], { cwd: tmp });
    expectRefusal(run, 'flood.yaml');
    expect(run.stderr).toMatch(/is too big to parse as YAML in the memory node has .* Convert it to JSON/);
  });

  it('YAML and JSON floods under a small heap (NODE_OPTIONS=--max-old-space-size=256) are refused, not an OOM crash', async () => {
    const env = { NODE_OPTIONS: '--max-old-space-size=256' };
    yamlTokenFlood(path.join(tmp, 'flood-small.yaml'), 1_000_000);
    const yaml = await gwctl(['lint', 'flood-small.yaml'], { cwd: tmp, env });
    expectRefusal(yaml, 'flood-small.yaml');
    expect(yaml.stderr).toMatch(/is too big to parse as YAML .* 0\.3 GB heap/);
    jsonObjectFlood(path.join(tmp, 'flood.json'), 6_000_000);
    const json = await gwctl(['lint', 'flood.json'], { cwd: tmp, env });
    expectRefusal(json, 'flood.json');
    expect(json.stderr).toMatch(/has more than [\d,]+ objects and lists, the most that fit in node's 0\.3 GB heap/);
  });
});

describe('hostile files: references', () => {
  it('a $ref escaping the project root (../../../../etc/passwd) is refused, with the line', async () => {
    const run = await gwctl(['lint', fixture('ref-escape.yaml')]);
    expectRefusal(run, fixture('ref-escape.yaml'), 5);
    expect(run.stderr).toMatch(/\$ref '\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd' leaves the project root .* and was not read/);
    expect(run.stderr + run.stdout).not.toMatch(/root:.*:0:0:/);
  });

  it('… and the target is never opened: a FIFO there would block whoever opened it', async () => {
    // project at tmp/escape/a/b/c/d: ../../../../etc/passwd is tmp/escape/etc/passwd, a FIFO.
    const base = path.join(tmp, 'escape');
    const project = path.join(base, 'a', 'b', 'c', 'd');
    mkdirSync(project, { recursive: true });
    mkdirSync(path.join(base, 'etc'));
    const fifo = path.join(base, 'etc', 'passwd');
    execFileSync('mkfifo', [fifo]);
    copyFileSync(path.join(HOSTILE, 'ref-escape.yaml'), path.join(project, 'api.yaml'));
    const run = await gwctl(['lint', 'api.yaml'], { cwd: project });
    expectRefusal(run, 'api.yaml', 5);
    expect(run.stderr).toMatch(/leaves the project root/);
    expect(existsSync(fifo)).toBe(true);
  });

  it('a $ref through a symbolic link that leads outside the root is refused, and the target never opened', async () => {
    const base = mkdtempSync(path.join(tmp, 'symlink-ref-'));
    const project = path.join(base, 'project');
    mkdirSync(project);
    const fifo = path.join(base, 'secret.yaml');
    execFileSync('mkfifo', [fifo]);
    symlinkSync(fifo, path.join(project, 'shared.yaml'));
    writeFileSync(path.join(project, 'api.yaml'), 'openapi: 3.0.3\ninfo: { title: Link, version: "1" }\npaths:\n  /a:\n    $ref: ./shared.yaml\n');
    const run = await gwctl(['lint', 'api.yaml'], { cwd: project });
    expectRefusal(run, 'api.yaml', 5);
    expect(run.stderr).toMatch(/\$ref '\.\/shared\.yaml' leads through a symbolic link to .*secret\.yaml, outside the project root/);
  });

  it('a folder scan does not follow symbolic links to folders (two links to .. would never end) nor links to files outside', async () => {
    const project = mkdtempSync(path.join(tmp, 'symlink-scan-'));
    mkdirSync(path.join(project, 'specs'));
    copyFileSync(path.join(HOSTILE, 'bom-crlf.yaml'), path.join(project, 'specs', 'api.yaml'));
    symlinkSync('..', path.join(project, 'specs', 'up'));
    symlinkSync('..', path.join(project, 'specs', 'again'));
    symlinkSync('api.yaml', path.join(project, 'specs', 'current.yaml'));
    const outside = path.join(tmp, 'outside.yaml');
    copyFileSync(path.join(ROOT, 'fixtures', 'e2e', 'seeded', 'oas31.yaml'), outside);
    symlinkSync(outside, path.join(project, 'specs', 'outside.yaml'));
    const run = await gwctl(['lint', '.', '-f', 'json'], { cwd: project });
    expectContained(run, [1]);
    expect([...new Set(findings(run.stdout).map((f) => f.file))].sort()).toEqual(['specs/api.yaml', 'specs/current.yaml']);
  });

  it('a remote $ref makes no connection (a local listener sees none) unless its host is allowed', async () => {
    let connections = 0;
    const server = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const dir = mkdtempSync(path.join(tmp, 'remote-'));
      writeFileSync(path.join(dir, 'api.yaml'), readFileSync(path.join(HOSTILE, 'remote-ref.yaml'), 'utf8').replace('PORT', String(port)));
      const refused = await gwctl(['lint', 'api.yaml'], { cwd: dir });
      expectRefusal(refused, 'api.yaml', 5);
      expect(refused.stderr).toMatch(/remote \$ref 'http:\/\/127\.0\.0\.1:\d+\/paths\.yaml#\/users' is refused: gwctl makes no network request/);
      const otherHost = await gwctl(['lint', 'api.yaml', '--allow-remote-refs', 'specs.example.com'], { cwd: dir });
      expectRefusal(otherHost, 'api.yaml', 5);
      expect(otherHost.stderr).toMatch(/is refused/);
      // The event loop ran while the (async) children did: a connection would have been counted.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('circular $refs (in a file and across files) lint normally, also through Spectral', async () => {
    const run = await gwctl(['lint', fixture('circular-refs.yaml'), '-f', 'json']);
    expectContained(run, [0, 1]);
    expect(run.stderr).toBe('');
    expect(findings(run.stdout).every((f) => f.file.startsWith('fixtures/hostile/circular-'))).toBe(true);
    const spectral = await gwctl(['lint', fixture('circular-refs.yaml'), '-r', 'fixtures/e2e/rulesets/custom.yaml', '-f', 'json']);
    expectContained(spectral, [0, 1]);
    expect(findings(spectral.stdout).length).toBeGreaterThan(0);
  });
});

describe('hostile files: odd but valid', () => {
  it('BOM + CRLF lints normally, with correct line numbers', async () => {
    const run = await gwctl(['lint', fixture('bom-crlf.yaml'), '-f', 'json']);
    expectContained(run, [0, 1]);
    expect(findings(run.stdout).map((f) => [f.rule, f.pointer, f.line])).toEqual([['oas-tls-only', '/servers/0/url', 7]]);
  });

  it('a gwctl/v1 config with wrong types everywhere: one config-schema finding per wrong value, no crash', async () => {
    const file = fixture('wrong-types.gwctl.yaml');
    const marked = readFileSync(path.join(HOSTILE, 'wrong-types.gwctl.yaml'), 'utf8').split('\n')
      .flatMap((line, index) => (/#\s*wrong$/.test(line) ? [index + 1] : []));
    expect(marked.length).toBeGreaterThan(30);
    const run = await gwctl(['lint', file, '-f', 'json']);
    expectContained(run, [1]);
    const schema = findings(run.stdout).filter((f) => f.rule === 'config-schema');
    expect(schema.map((f) => f.line).sort((a, b) => a - b)).toEqual(marked);
    expect(new Set(schema.map((f) => f.pointer)).size).toBe(schema.length);
  });

  it('a 20 MB spec (many paths) lints within the bounds', async () => {
    const file = path.join(tmp, 'big.json');
    const size = bigJsonSpec(file, 20e6);
    expect(size).toBeGreaterThan(20e6);
    const run = await gwctl(['lint', 'big.json', '-f', 'json'], { cwd: tmp });
    expectContained(run, [0, 1]);
    expect((JSON.parse(run.stdout) as { summary: { files: number } }).summary.files).toBe(1);
  });

  it('a 5 MB YAML spec lints within the bounds (YAML costs ~70× its size in memory)', async () => {
    const size = bigYamlSpec(path.join(tmp, 'big.yaml'), 5e6);
    expect(size).toBeGreaterThan(5e6);
    const run = await gwctl(['lint', 'big.yaml', '-f', 'json'], { cwd: tmp });
    expectContained(run, [0, 1]);
    expect((JSON.parse(run.stdout) as { summary: { files: number } }).summary.files).toBe(1);
  });
});

describe('limits, each with its flag', () => {
  it('--max-file-size MB', async () => {
    bigJsonSpec(path.join(tmp, 'two-mb.json'), 2e6);
    expectContained(await gwctl(['lint', 'two-mb.json'], { cwd: tmp }), [0, 1]);
    const run = await gwctl(['lint', 'two-mb.json', '--max-file-size', '1'], { cwd: tmp });
    expectRefusal(run, 'two-mb.json');
    expect(run.stderr).toMatch(/is 2(\.\d+)? MB, over the 1 MB limit; raise it with --max-file-size/);
  });

  it('--max-aliases N', async () => {
    expectContained(await gwctl(['lint', fixture('aliases-20.yaml')]), [0, 1]);
    const run = await gwctl(['lint', fixture('aliases-20.yaml'), '--max-aliases', '10']);
    expectRefusal(run, fixture('aliases-20.yaml'));
    expect(run.stderr).toMatch(/expands too many aliases \(more than 10\)/);
    const bomb = await gwctl(['lint', fixture('billion-laughs.yaml'), '--max-aliases', '100000']);
    expectRefusal(bomb, fixture('billion-laughs.yaml'));
  });

  it('--max-depth N: the line of the first level too deep; raising it lets a deep file through', async () => {
    nestedSchemaSpec(path.join(tmp, 'nested.json'), 20); // ~50 levels
    expectContained(await gwctl(['lint', 'nested.json'], { cwd: tmp }), [0, 1]);
    const shallow = await gwctl(['lint', 'nested.json', '--max-depth', '30'], { cwd: tmp });
    expectRefusal(shallow, 'nested.json', lineOfDepth(readFileSync(path.join(tmp, 'nested.json'), 'utf8'), 31));
    expect(shallow.stderr).toMatch(/is nested deeper than 30 levels; .* raise --max-depth/);
    nestedSchemaSpec(path.join(tmp, 'nested-600.json'), 300); // ~610 levels
    const refused = await gwctl(['lint', 'nested-600.json'], { cwd: tmp });
    expectRefusal(refused, 'nested-600.json', lineOfDepth(readFileSync(path.join(tmp, 'nested-600.json'), 'utf8'), 501));
    expectContained(await gwctl(['lint', 'nested-600.json', '--max-depth', '1000'], { cwd: tmp }), [0, 1]);
    const zero = await gwctl(['lint', 'nested.json', '--max-depth', '0'], { cwd: tmp });
    expectContained(zero, [2]);
    expect(zero.stderr).toMatch(/--max-depth.*whole number above 0/);
  });

  it('--timeout SECONDS: checked while a big YAML file is parsed', async () => {
    bigYamlSpec(path.join(tmp, 'slow.yaml'), 8e6);
    const run = await gwctl(['lint', 'slow.yaml', '--timeout', '0.5'], { cwd: tmp });
    expectContained(run, [2]);
    expect(run.stderr).toMatch(/^gwctl: lint went over its time budget of 0\.5 s \(--timeout\) while parsing slow\.yaml; raise --timeout/);
    expect(run.ms).toBeLessThan(6000);
  });

  it('--timeout SECONDS: checked between files', async () => {
    const dir = mkdtempSync(path.join(tmp, 'many-'));
    for (let i = 0; i < 20; i++) copyFileSync(path.join(HOSTILE, 'bom-crlf.yaml'), path.join(dir, `spec-${String(i).padStart(2, '0')}.yaml`));
    const run = await gwctl(['lint', '.', '--timeout', '0.001'], { cwd: dir });
    expectContained(run, [2]);
    expect(run.stderr).toMatch(/time budget of 0\.001 s \(--timeout\) while reading spec-\d\d\.yaml/);
  });

  it('--timeout SECONDS: the hard stop fires when a step never returns (a custom function that never settles)', async () => {
    const ruleset = fixture('rulesets/never-settles.yaml');
    const timed = await gwctl(['lint', 'fixtures/e2e/clean/clean.yaml', '-r', ruleset, '--timeout', '1']);
    expectContained(timed, [2]);
    expect(timed.stderr).toMatch(/^gwctl: lint went over its time budget of 1 s \(--timeout\) while running the Spectral rules/);
    expect(timed.ms).toBeLessThan(8000);
    // Without --timeout node runs out of work and would exit 13 without a word.
    const untimed = await gwctl(['lint', 'fixtures/e2e/clean/clean.yaml', '-r', ruleset]);
    expectContained(untimed, [2]);
    expect(untimed.stderr).toMatch(/^gwctl: lint stopped while running the Spectral rules: it was waiting for something that never finished/);
  });

  it('--timeout rejects what is not a positive number', async () => {
    const run = await gwctl(['lint', 'fixtures/e2e/clean/clean.yaml', '--timeout', 'soon']);
    expectContained(run, [2]);
    expect(run.stderr).toMatch(/--timeout/);
  });
});
