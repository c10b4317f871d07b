/**
 * The fast path (gwctl's own runner) must find exactly what spectral-core finds when it runs the
 * same built-in rules. Runs on the benchmark corpus's small and medium specs when they are there
 * (`.ci/run` fetches them; `npm run bench` does too), and always on every spec in the repo.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint/engine.js';
import { loadRuleset } from '../src/lint/ruleset.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS = path.join(ROOT, 'bench', '.cache', 'corpus');
// oas-ref-resolved is gwctl's own report of dangling $refs; spectral-core reports them itself.
const ONLY_GWCTL = new Set(['oas-ref-resolved']);

const sets: Array<[string, string[]]> = [
  ['repo fixtures and examples', ['fixtures/rules/oas-*/**/*.{yaml,yml,json}', 'fixtures/e2e/seeded', 'fixtures/e2e/refs', 'examples/specs', 'examples/clean/specs']],
];
for (const tier of ['small', 'medium']) {
  if (existsSync(path.join(CORPUS, tier))) sets.push([`corpus ${tier}`, [path.join(CORPUS, tier)]]);
  else console.warn(`engine equivalence: ${path.join(CORPUS, tier)} is missing; run \`npm run bench -- --only tiny\` or .ci/run to fetch the corpus`);
}

async function findings(inputs: string[], engine: 'gwctl' | 'spectral-core', ruleset: 'gwctl:all') {
  const result = await lint({ inputs, cwd: ROOT, root: ROOT, ruleset: loadRuleset(ruleset, ROOT), engine });
  return result.findings
    .filter((f) => !ONLY_GWCTL.has(f.rule) && f.rule.startsWith('oas-'))
    .map((f) => `${f.rule} ${f.file}${f.pointer} ${f.message}`)
    .sort();
}

describe.each(sets)('fast path = spectral-core path: %s', (_name, inputs) => {
  it('finds the same findings, at the same files and pointers, with the same messages', async () => {
    const fast = await findings(inputs, 'gwctl', 'gwctl:all');
    const reference = await findings(inputs, 'spectral-core', 'gwctl:all');
    expect(fast.length).toBeGreaterThan(0);
    expect(fast).toEqual(reference);
  }, 300_000);
});
