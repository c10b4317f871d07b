import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoadError } from '../../src/model/errors.js';
import { parseBaseline, serializeBaseline } from '../../src/baseline/serialize.js';
import { readBaselineFile, writeBaselineFile } from '../../src/baseline/io.js';
import { entry } from './helpers.js';

const baseline = {
  entries: [
    entry({ file: 'z.yaml', fingerprint: '00123', expires: '2026-06-30' }), // digits: must stay a string
    entry({ reason: 'a: colon, "quotes" and # hash', owner: '' }),
  ],
};

function loadError(fn: () => unknown): LoadError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LoadError);
    return err as LoadError;
  }
  throw new Error('expected a LoadError');
}

describe('serializeBaseline / parseBaseline', () => {
  it('round-trips YAML with a header comment and sorted entries', () => {
    const text = serializeBaseline(baseline, '.gwctl-baseline.yaml');
    expect(text.startsWith('# gwctl baseline')).toBe(true);
    expect(text.indexOf('gateway/payments.yaml')).toBeLessThan(text.indexOf('z.yaml'));
    const back = parseBaseline(text, '.gwctl-baseline.yaml');
    expect(back.entries).toEqual([baseline.entries[1], baseline.entries[0]]);
    expect(typeof back.entries[1]!.fingerprint).toBe('string');
  });

  it('round-trips JSON with the pinned key order', () => {
    const text = serializeBaseline(baseline, 'baseline.json');
    const data = JSON.parse(text);
    expect(Object.keys(data)).toEqual(['entries']);
    expect(Object.keys(data.entries[0])).toEqual(['rule', 'file', 'pointer', 'fingerprint', 'reason', 'owner', 'expires']);
    expect(parseBaseline(text, 'baseline.json').entries).toHaveLength(2);
  });

  it('accepts an empty file and missing optional fields', () => {
    expect(parseBaseline('', 'b.yaml')).toEqual({ entries: [] });
    expect(parseBaseline('entries:\n  - { rule: r, file: f.yaml, fingerprint: x }\n', 'b.yaml').entries[0])
      .toEqual({ rule: 'r', file: 'f.yaml', pointer: '', fingerprint: 'x', reason: '', owner: '', expires: null });
  });

  it('names file, line and problem for a malformed entry', () => {
    const text = 'entries:\n  - rule: r\n    file: f.yaml\n    fingerprint: x\n  - rule: r\n    file: f.yaml\n';
    const err = loadError(() => parseBaseline(text, '.gwctl-baseline.yaml'));
    expect(err.file).toBe('.gwctl-baseline.yaml');
    expect(err.line).toBe(5);
    expect(err.message).toMatch(/^\.gwctl-baseline\.yaml:5:\d+: baseline entry 2 needs a non-empty string `fingerprint`/);
  });

  it('rejects a bad expiry date and points at it', () => {
    const text = 'entries:\n  - rule: r\n    file: f.yaml\n    fingerprint: x\n    expires: 2026-02-30\n';
    const err = loadError(() => parseBaseline(text, 'b.yaml'));
    expect(err.line).toBe(5);
    expect(err.message).toContain('`expires` must be an ISO date');
  });

  it('rejects unknown keys, so a misspelt `expiry` cannot silently never expire', () => {
    const text = 'entries:\n  - rule: r\n    file: f.yaml\n    fingerprint: x\n    expiry: 2026-01-01\n';
    expect(loadError(() => parseBaseline(text, 'b.yaml')).message).toContain('unknown key `expiry`');
  });

  it('reports YAML and JSON syntax errors with a position', () => {
    const yamlErr = loadError(() => parseBaseline('entries:\n  - rule: [unclosed\n', 'b.yaml'));
    expect(yamlErr.line).toBeGreaterThan(0);
    expect(yamlErr.message).toContain('not valid YAML');
    const jsonErr = loadError(() => parseBaseline('{\n  "entries": [\n    {"rule": }\n  ]\n}\n', 'b.json'));
    expect(jsonErr.line).toBe(3);
    expect(jsonErr.message).toContain('not valid JSON');
  });

  it('rejects a root that is not an object', () => {
    expect(loadError(() => parseBaseline('- a\n- b\n', 'b.yaml')).message).toContain('`entries` list');
  });
});

describe('baseline file io', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwctl-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes and reads back, in the syntax the name asks for', () => {
    for (const name of ['b.yaml', 'b.json']) {
      const path = join(dir, name);
      writeBaselineFile(path, baseline);
      expect(readFileSync(path, 'utf8').trimStart()[0]).toBe(name.endsWith('.json') ? '{' : '#');
      expect(readBaselineFile(path)!.entries).toHaveLength(2);
    }
  });

  it('returns undefined for a missing file and throws LoadError for a malformed one', () => {
    expect(readBaselineFile(join(dir, 'missing.yaml'))).toBeUndefined();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'entries: 3\n');
    expect(() => readBaselineFile(bad)).toThrow(LoadError);
  });
});

describe('jsonErrorOffset', () => {
  it('finds the first offending character', async () => {
    const { jsonErrorOffset } = await import('../../src/baseline/json-position.js');
    expect(jsonErrorOffset('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}')).toBeUndefined();
    expect(jsonErrorOffset('{"a": }')).toBe(6);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('[1 2]')).toBe(3);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('"abc')).toBe(4);
  });
});
