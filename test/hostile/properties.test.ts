/**
 * Property-based tests of the loader and the config schema on generated and mutated input. The
 * invariants are those of the hostile e2e tests, in-process: a file either parses or is refused
 * with a `LoadError` naming it (never another error type), and config-schema never throws and
 * reports only paths that exist in the input (or whose parent does: a missing key).
 */
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSource } from '../../src/load/parse.js';
import { Workspace } from '../../src/load/workspace.js';
import type { FileSource } from '../../src/load/file-source.js';
import { firstInvalidUtf8 } from '../../src/load/utf8.js';
import { GwctlError, LoadError } from '../../src/model/errors.js';
import type { JsonPath } from '../../src/model/document.js';
import { configSchema } from '../../src/rules/gateway/config-schema.js';
import { lint } from '../../src/lint/engine.js';
import { loadRuleset } from '../../src/lint/ruleset.js';
import { ROOT } from '../e2e/run.js';

const RUNS = { numRuns: Number(process.env.GWCTL_PROPERTY_RUNS ?? 300) };

/** Every spec and config of fixtures/e2e and fixtures/rules: the seeds of the mutations. */
const SEEDS: Array<{ name: string; bytes: Buffer }> = (() => {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) {
        if (entry !== 'rulesets') walk(full);
      } else if (/\.(ya?ml|json)$/.test(entry) && entry !== 'expected.yaml') {
        out.push({ name: entry.endsWith('.json') ? 'mutant.json' : 'mutant.yaml', bytes: readFileSync(full) });
      }
    }
  };
  walk(path.join(ROOT, 'fixtures', 'e2e'));
  walk(path.join(ROOT, 'fixtures', 'rules'));
  return out;
})();

/** A seed with random edits: bytes replaced, inserted (some of them structural), ranges cut, a truncation. */
const mutant = fc.record({
  seed: fc.noBias(fc.integer({ min: 0, max: SEEDS.length - 1 })),
  edits: fc.array(fc.record({
    /** where, as a fraction of the length (in millionths) */
    at: fc.noBias(fc.integer({ min: 0, max: 1_000_000 })),
    kind: fc.constantFrom('replace', 'replace', 'insert', 'delete', 'truncate', 'structural', 'structural', 'structural'),
    byte: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 255 })),
    text: fc.constantFrom('{', '}', '[', ']', ':', '- ', '\n', '\t', '&a ', '*a', '<<: ', '"', "'", '#', '$ref: ', '\uFEFF', '\r\n', '---\n', '!!binary ', '? ', '|'),
    length: fc.integer({ min: 1, max: 40 }),
  }), { minLength: 1, maxLength: 4 }),
}).map(({ seed, edits }) => {
  let bytes = Buffer.from(SEEDS[seed]!.bytes);
  for (const edit of edits) {
    const at = Math.floor((edit.at / 1_000_000) * bytes.length);
    switch (edit.kind) {
      case 'replace': if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = edit.byte; break;
      case 'insert': bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([edit.byte]), bytes.subarray(at)]); break;
      case 'structural': bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(edit.text), bytes.subarray(at)]); break;
      case 'delete': bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + edit.length)]); break;
      case 'truncate': bytes = bytes.subarray(0, at); break;
    }
  }
  return { name: SEEDS[seed]!.name, bytes };
});

/** An in-memory project: the workspace's only files are these. */
function memory(files: Record<string, Buffer>): FileSource {
  return {
    read: (absolute) => files[absolute],
    size: (absolute) => files[absolute]?.length,
  };
}

/** parseSource's contract: a SourceFile, or a LoadError naming the file. */
function parseOrLoadError(text: string, shown: string): { data: unknown } | LoadError {
  try {
    return parseSource(`/project/${shown}`, shown, text);
  } catch (error) {
    if (!(error instanceof LoadError)) throw new Error(`not a LoadError: ${String(error)}`, { cause: error });
    expect(error.file).toBe(shown);
    expect(error.message.startsWith(`${shown}`)).toBe(true);
    return error;
  }
}

describe('the loader on generated JSON values', () => {
  it('serialized as JSON: parses to the same data (objects and lists), or a LoadError for scalars', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
      const text = JSON.stringify(value, null, indent);
      const result = parseOrLoadError(text, 'value.json');
      if (value !== null && typeof value === 'object') {
        expect(result).not.toBeInstanceOf(LoadError);
        expect((result as { data: unknown }).data).toEqual(JSON.parse(text));
      }
    }), RUNS);
  });

  it('serialized as YAML: parses to the same data, or a LoadError naming the file', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = stringify(value);
      const result = parseOrLoadError(text, 'value.yaml');
      // `<<` is YAML's merge key: a JSON key spelled so does not survive, and may be refused.
      if (!(result instanceof LoadError) && !text.includes('<<')) expect((result as { data: unknown }).data).toEqual(value);
    }), RUNS);
  });

  it('arbitrary text: a SourceFile or a LoadError naming the file, never another error', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('x.yaml', 'x.json'), (text, name) => {
      parseOrLoadError(text, name);
    }), RUNS);
  });
});

describe('the loader on mutated fixtures (truncated, bytes replaced and inserted)', () => {
  it('Workspace.load: a SourceFile or a LoadError naming the file (bytes: UTF-8, NUL, parse, $refs)', async () => {
    await fc.assert(fc.asyncProperty(mutant, async ({ name, bytes }) => {
      const file = `/project/specs/${name}`;
      const workspace = new Workspace({ cwd: '/project', root: '/project', source: memory({ [file]: bytes }) });
      try {
        await workspace.load(file);
      } catch (error) {
        if (!(error instanceof LoadError)) throw new Error(`not a LoadError: ${String(error)}`, { cause: error });
        expect(error.file).toBe(`specs/${name}`);
      }
    }), RUNS);
  });

  it('the whole lint engine on a mutant: findings, or a GwctlError that is not a bug report', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-mutant-'));
    const ruleset = loadRuleset('gwctl:all', dir);
    try {
      await fc.assert(fc.asyncProperty(mutant, async ({ name, bytes }) => {
        const file = path.join(dir, name);
        writeFileSync(file, bytes);
        try {
          const result = await lint({ inputs: [file], cwd: dir, root: dir, ruleset });
          for (const finding of result.findings) expect(finding.line).toBeGreaterThanOrEqual(1);
        } catch (error) {
          if (!(error instanceof GwctlError)) throw new Error(`not a GwctlError: ${String(error)}`, { cause: error });
          expect(error.message).not.toMatch(/gwctl bug/);
        }
      }), { numRuns: Math.ceil(RUNS.numRuns / 2.5) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the UTF-8 locator agrees with TextDecoder on random bytes', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      let valid = true;
      try { decoder.decode(bytes); } catch { valid = false; }
      expect(firstInvalidUtf8(bytes) === undefined).toBe(valid);
    }), { numRuns: 2000 });
  });
});

describe('config-schema on random gwctl/v1 objects', () => {
  const key = fc.constantFrom(
    'format', 'gateway', 'tenants', 'services', 'consumers', 'name', 'tls', 'minVersion', 'defaults', 'auth', 'rateLimit',
    'type', 'header', 'url', 'requests', 'per', 'key', 'owner', 'tenant', 'kind', 'spec', 'visibility', 'approval',
    'lifecycle', 'sunset', 'upstream', 'targets', 'weight', 'verify', 'timeoutMs', 'routes', 'paths', 'methods', 'hosts',
    'protocols', 'public', 'reason', 'ai', 'provider', 'model', 'apiKey', 'tokenBudget', 'tokens', 'credentials',
    'subscriptions', 'service', 'status', 'approvedBy', 'approvedAt', 'password', 'username', 'x-note', 'unknown', '0', '',
  );
  const leaf = fc.oneof(
    fc.constantFrom('gwctl/v1', 'jwt', 'key', 'basic', 'forward', 'ai', 'rest', 'https://a.example', '/path', 'GET', 'second', 'approved', '2027-01-01', 'Bad Name', ''),
    fc.integer({ min: -5, max: 5 }), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }),
  );
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(key, tie('tree'), { maxKeys: 6 })),
  }));
  const loose = fc.tuple(fc.dictionary(key, tree, { maxKeys: 8 }), fc.boolean())
    .map(([object, typed]) => ({ ...object, format: typed ? 'gwctl/v1' : object.format ?? 'gwctl/v1' }));
  /** the schema's shape, with a random (often wrong) value at every place */
  const any = fc.oneof(leaf, leaf, tree);
  const part = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.oneof(fc.record(shape, { requiredKeys: [] }), any);
  const list = <T>(item: fc.Arbitrary<T>) => fc.oneof(fc.array(item, { maxLength: 3 }), any);
  const auth = part({ type: fc.oneof(fc.constantFrom('key', 'jwt', 'basic', 'oauth2', 'mtls', 'forward', 'none'), any), header: any, url: any });
  const rateLimit = part({ requests: fc.oneof(fc.integer({ min: -1, max: 100 }), any), per: fc.oneof(fc.constantFrom('second', 'minute'), any), key: any });
  const route = part({ name: fc.oneof(fc.constantFrom('r1', 'r2'), any), paths: list(fc.oneof(fc.constantFrom('/a', '/a/{id}', '/b'), any)), methods: list(any), hosts: list(any), protocols: list(fc.oneof(fc.constantFrom('http', 'https'), any)), auth, rateLimit, public: any, reason: any });
  const service = part({
    name: fc.oneof(fc.constantFrom('s1', 's2'), any), tenant: fc.oneof(fc.constantFrom('t1', 't2'), any), kind: fc.oneof(fc.constantFrom('rest', 'ai', 'mcp'), any),
    spec: any, visibility: any, approval: any, lifecycle: any, sunset: any,
    upstream: part({ targets: list(part({ url: fc.oneof(fc.constantFrom('https://a.internal', 'http://b:8080'), any), weight: any })), tls: part({ verify: any }), timeoutMs: any }),
    rateLimit, routes: list(route), ai: part({ provider: any, model: any, apiKey: any, tokenBudget: part({ tokens: any, per: any, key: any }) }),
  });
  const consumer = part({
    name: fc.oneof(fc.constantFrom('c1'), any), tenant: fc.oneof(fc.constantFrom('t1'), any),
    credentials: list(part({ type: fc.oneof(fc.constantFrom('key', 'basic', 'jwt'), any), key: any, username: any, password: any, issuer: any, keyId: any })),
    subscriptions: list(part({ service: fc.oneof(fc.constantFrom('s1', 's2'), any), status: fc.oneof(fc.constantFrom('approved', 'pending'), any), approvedBy: any, approvedAt: any })),
  });
  const shaped = fc.record({
    format: fc.constant('gwctl/v1'),
    gateway: part({ name: any, tls: part({ minVersion: any }), defaults: part({ auth, rateLimit }) }),
    tenants: list(part({ name: fc.oneof(fc.constantFrom('t1', 't2'), any), owner: any })),
    services: list(service),
    consumers: list(consumer),
  }, { requiredKeys: ['format'] });
  const config = fc.oneof(loose, shaped);

  it('never throws, and every finding points at a node of the input or at a missing key of an existing object', () => {
    const context = { deref: <T>(node: T) => node, kind: 'gwctl-v1' as const, unresolvedRefs: () => [] };
    fc.assert(fc.property(config, (input) => {
      const results = configSchema.then(input, undefined, context);
      for (const result of results) {
        const at = result.path ?? [];
        const exists = valueAt(input, at) !== undefined;
        const parentIsObject = at.length > 0 && isContainer(valueAt(input, at.slice(0, -1)));
        expect(exists || parentIsObject, `${JSON.stringify(at)}: ${result.message}`).toBe(true);
        expect(result.message).not.toMatch(/undefined|\[object Object\]/);
      }
    }), { numRuns: RUNS.numRuns * 2 });
  });

  it('the whole lint engine (normalize and every gateway rule) on the same random configs: no crash', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-config-'));
    const ruleset = loadRuleset('gwctl:all', dir);
    try {
      await fc.assert(fc.asyncProperty(config, fc.boolean(), async (input, asJson) => {
        const file = path.join(dir, asJson ? 'gateway.json' : 'gateway.yaml');
        rmSync(path.join(dir, asJson ? 'gateway.yaml' : 'gateway.json'), { force: true });
        writeFileSync(file, asJson ? JSON.stringify(input) : stringify(input));
        try {
          await lint({ inputs: [file], cwd: dir, root: dir, ruleset });
        } catch (error) {
          if (!(error instanceof GwctlError)) throw new Error(`not a GwctlError: ${String(error)}`, { cause: error });
          expect(error.message).not.toMatch(/gwctl bug/);
        }
      }), { numRuns: RUNS.numRuns });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function valueAt(data: unknown, at: JsonPath): unknown {
  let node = data;
  for (const seg of at) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(seg)];
  }
  return node;
}

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}
