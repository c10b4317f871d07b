/** Every registered rule has docs, fixtures and a place in gwctl:all; ids are unique and match file names. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/rules/index.js';
import { loadRuleset } from '../src/lint/ruleset.js';
import { rulesMarkdown } from '../src/cli/rules.js';
import { readFileSync } from 'node:fs';
import { VERSION } from '../src/version.js';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('rule registry', () => {
  it('has rules', () => {
    expect(RULES.length).toBeGreaterThan(0);
  });

  it('has unique ids', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s has docs, fixtures, a file of its name and a place in every built-in ruleset', (id, rule) => {
    expect(rule.description.length).toBeGreaterThan(10);
    expect(rule.docs.what.length).toBeGreaterThan(20);
    expect(rule.docs.why.length).toBeGreaterThan(20);
    expect(rule.docs.howToFix.length).toBeGreaterThan(20);
    expect(rule.formats.length).toBeGreaterThan(0);
    const folder = rule.id.startsWith('oas-') ? 'oas' : 'gateway';
    expect(existsSync(path.join(ROOT, 'src', 'rules', folder, `${id}.ts`))).toBe(true);
    expect(existsSync(path.join(ROOT, 'fixtures', 'rules', id, 'valid'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'fixtures', 'rules', id, 'invalid', 'expected.yaml'))).toBe(true);
    for (const name of ['gwctl:all', 'gwctl:strict', 'gwctl:recommended']) {
      expect(loadRuleset(name, ROOT).severities.has(id), `${id} in ${name}`).toBe(true);
    }
    expect(loadRuleset('gwctl:all', ROOT).severities.get(id)).not.toBe('off');
  });

  it('has no fixture folder without a rule', () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    for (const folder of readdirSync(path.join(ROOT, 'fixtures', 'rules'))) expect(ids.has(folder), folder).toBe(true);
  });

  it('docs/rules.md is current (regenerate: gwctl rules list --format markdown > docs/rules.md)', () => {
    expect(readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8')).toBe(rulesMarkdown(ROOT));
  });

  it('the version in the code matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('the ahead-of-time compiled gwctl/v1 validator', () => {
  it('reports exactly what the schema compiled at run time reports', async () => {
    const { createRequire } = await import('node:module');
    const { parse } = await import('yaml');
    const require = createRequire(import.meta.url);
    const compiled = require('../dist/schemas/gwctl-v1.validate.cjs');
    const aot = compiled.default ?? compiled;
    const { Ajv2020 } = require('ajv/dist/2020.js');
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'gwctl-v1.schema.json'), 'utf8'));
    const runtime = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
    const docs = ['fixtures/hostile/wrong-types.gwctl.yaml', 'fixtures/rules/config-schema/invalid/gateway.yaml', 'examples/gateway/edge.yaml']
      .filter((file) => existsSync(path.join(ROOT, file)))
      .map((file) => parse(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(docs.length).toBeGreaterThan(1);
    for (const doc of docs) {
      aot(doc);
      runtime(doc);
      expect(aot.errors ?? null).toEqual(runtime.errors ?? null);
    }
  });
});
