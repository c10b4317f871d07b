/** gwctl init writes a starter project that lints clean, and never overwrites what exists. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gwctl, json } from './run.js';

describe('gwctl init', () => {
  it('writes .gwctl.yaml, a spec and a linked gateway config that lint clean', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-init-'));
    const init = gwctl(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    for (const file of ['.gwctl.yaml', 'specs/hello.yaml', 'gateway/gateway.yaml']) expect(existsSync(path.join(dir, file)), file).toBe(true);
    const lint = gwctl(['lint', '-f', 'json'], { cwd: dir });
    expect(lint.code).toBe(0);
    expect(json(lint).summary).toEqual({ files: 2, errors: 0, warnings: 0, infos: 0, hints: 0 });
    const explain = JSON.parse(gwctl(['explain', '--format', 'json'], { cwd: dir }).stdout).rows as Array<{ kind: string }>;
    expect(explain.map((row) => row.kind)).toEqual(['route', 'operation']);
  });

  it('keeps every existing file as it is', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-init-'));
    writeFileSync(path.join(dir, '.gwctl.yaml'), 'extends: [gwctl:strict]\n');
    const init = gwctl(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/kept\s+\.gwctl\.yaml \(exists; not overwritten\)/);
    expect(readFileSync(path.join(dir, '.gwctl.yaml'), 'utf8')).toBe('extends: [gwctl:strict]\n');
    expect(existsSync(path.join(dir, 'specs', 'hello.yaml'))).toBe(true);
  });
});
