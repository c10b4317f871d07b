import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DocumentKind } from '../model/document.js';
import type { Range, Severity } from '../model/finding.js';
import type { FileSource } from '../load/file-source.js';

/**
 * The lint cache (`.gwctl/cache/lint-v1.json`): per OpenAPI document, the findings of the
 * document rules, keyed by gwctl's version, the ruleset and the options, and valid while the
 * document and every file it reaches through `$ref` hash the same. A hit skips parsing, which is
 * most of the cost of a large spec. Gateway configs are not cached: they are small, and their
 * rules look across every file of the run.
 */
export interface CachedResult {
  rule: string;
  message: string;
  /** relative to the project root */
  file: string;
  pointer: string;
  range: Range;
  defaultSeverity?: Severity;
}

interface Entry {
  kind: DocumentKind | null;
  /** the document and its `$ref` targets, relative to the root, with their content hashes */
  deps: Array<[string, string]>;
  results: CachedResult[];
}

interface CacheData {
  key: string;
  entries: Record<string, Entry>;
}

export class LintCache {
  private data: CacheData;
  private dirty = false;
  private readonly hashes = new Map<string, string | undefined>();

  private constructor(private readonly file: string, private readonly root: string, private readonly source: FileSource, key: string, data: CacheData | undefined) {
    this.data = data?.key === key ? data : { key, entries: {} };
    if (data && data.key !== key) this.dirty = true;
  }

  /** Opens the cache of a project; a missing or unreadable cache is an empty one, never an error. */
  static open(root: string, key: string, source: FileSource): LintCache {
    const file = path.join(root, '.gwctl', 'cache', 'lint-v1.json');
    let data: CacheData | undefined;
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as CacheData;
      if (typeof data?.key !== 'string' || typeof data.entries !== 'object') data = undefined;
    } catch {
      data = undefined;
    }
    return new LintCache(file, root, source, key, data);
  }

  /** The cached results of a document, if it and everything it references are unchanged. */
  lookup(absolute: string): { kind: DocumentKind | undefined; results: CachedResult[] } | undefined {
    const entry = this.data.entries[this.relative(absolute)];
    if (!entry) return undefined;
    for (const [dep, hash] of entry.deps) {
      if (this.hash(path.join(this.root, dep)) !== hash) return undefined;
    }
    return { kind: entry.kind ?? undefined, results: entry.results };
  }

  store(absolute: string, kind: DocumentKind | undefined, deps: readonly string[], results: CachedResult[]): void {
    const hashed: Array<[string, string]> = [];
    for (const dep of deps) {
      const hash = this.hash(dep);
      if (hash === undefined) return; // a dependency vanished while linting: do not cache
      hashed.push([this.relative(dep), hash]);
    }
    this.data.entries[this.relative(absolute)] = { kind: kind ?? null, deps: hashed, results };
    this.dirty = true;
  }

  relative(absolute: string): string {
    return path.relative(this.root, absolute).split(path.sep).join('/');
  }

  /** Writes the cache if it changed; a cache that cannot be written is silently skipped. */
  save(): void {
    if (!this.dirty) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      // Write then rename, so a concurrent or interrupted run never leaves half a cache.
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(this.data));
      renameSync(temp, this.file);
    } catch {
      /* a read-only checkout still lints */
    }
  }

  private hash(absolute: string): string | undefined {
    if (!this.hashes.has(absolute)) {
      const bytes = this.source.read(absolute);
      this.hashes.set(absolute, bytes ? createHash('sha1').update(bytes).digest('hex') : undefined);
    }
    return this.hashes.get(absolute);
  }
}

/** Everything that changes what the document rules report, besides the files themselves. */
export function cacheKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
