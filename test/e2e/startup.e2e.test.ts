/**
 * Start-up stays lean: what a command does not need is not loaded (speed is measured by
 * `npm run bench`, not here; this pins the lazy loading that the measurements depend on).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, gwctl } from './run.js';

const PRELOAD = path.join(ROOT, 'test', 'support', 'loaded-packages.cjs');

function loadedBy(args: string[]): string[] {
  const run = gwctl(args, { env: { NODE_OPTIONS: `--require ${PRELOAD}` } });
  const line = run.stderr.split('\n').find((l) => l.startsWith('loaded-packages: '));
  if (!line) throw new Error(`no package list (exit ${run.code}): ${run.stderr}`);
  return JSON.parse(line.slice('loaded-packages: '.length));
}

describe('start-up', () => {
  it('--version loads nothing but commander', () => {
    expect(loadedBy(['--version'])).toEqual(['commander']);
  });

  it('linting a named JSON spec with the default ruleset loads no YAML parser, glob, schema validator, HTTP client or spectral', () => {
    const loaded = loadedBy(['lint', 'fixtures/e2e/seeded/oas30.json', '--no-cache']);
    for (const heavy of ['yaml', 'fast-glob', 'ajv', 'undici', '@stoplight/spectral-core']) expect(loaded).not.toContain(heavy);
  });

  it('loads them when the input needs them', () => {
    const loaded = loadedBy(['lint', 'examples/', '--no-cache']);
    expect(loaded).toEqual(expect.arrayContaining(['yaml', 'fast-glob']));
  });
});
