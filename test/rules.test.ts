/**
 * The generic rule tester: every registered rule runs on its fixtures. `valid/` must produce no
 * finding of the rule; `invalid/` must produce exactly the findings listed in its expected.yaml
 * (file relative to the folder, pointer, line), no more and no fewer.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES } from '../src/rules/index.js';
import { lint } from '../src/lint/engine.js';
import { loadRuleset } from '../src/lint/ruleset.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'rules');

interface Expected { file: string; pointer: string; line: number; message?: string }

async function findingsOf(ruleId: string, folder: string) {
  const result = await lint({
    inputs: [folder], cwd: folder, root: folder,
    ruleset: loadRuleset('gwctl:all', folder), onlyRules: [ruleId],
  });
  return result.findings.filter((f) => f.rule === ruleId);
}

describe.each(RULES.map((rule) => [rule.id] as const))('%s', (id) => {
  const dir = path.join(FIXTURES, id);

  it('finds nothing on its valid fixture', async () => {
    const findings = await findingsOf(id, path.join(dir, 'valid'));
    expect(findings.map((f) => `${f.file}#${f.pointer}: ${f.message}`)).toEqual([]);
  });

  it('finds exactly the expected findings on its invalid fixture', async () => {
    const folder = path.join(dir, 'invalid');
    const expected = (parse(readFileSync(path.join(folder, 'expected.yaml'), 'utf8')) as { findings: Expected[] }).findings;
    expect(expected.length).toBeGreaterThan(0);
    const findings = await findingsOf(id, folder);
    const actual = findings.map((f) => ({ file: f.file, pointer: f.pointer, line: f.line }));
    expect(actual).toEqual(expected.map(({ file, pointer, line }) => ({ file, pointer, line })));
    for (const [index, want] of expected.entries()) {
      if (want.message) expect(findings[index]!.message).toContain(want.message);
    }
  });

  it('has a fixture folder', () => {
    expect(existsSync(path.join(dir, 'valid'))).toBe(true);
    expect(existsSync(path.join(dir, 'invalid', 'expected.yaml'))).toBe(true);
  });
});
