/**
 * Baseline text ⇄ data. JSON when the file name ends in `.json`, else YAML. A malformed file is a
 * LoadError naming the file, the line and what to change, never a half-applied baseline.
 */
import { Document, LineCounter, parseDocument, isNode } from 'yaml';
import { LoadError } from '../model/errors.js';
import { compareEntries } from './baseline.js';
import { jsonErrorOffset } from './json-position.js';
import type { Baseline, BaselineEntry } from './types.js';

const ENTRY_KEYS = ['rule', 'file', 'pointer', 'fingerprint', 'reason', 'owner', 'expires'] as const;
const HEADER =
  ' gwctl baseline: findings listed here do not fail `gwctl lint`.\n' +
  ' Regenerate with `gwctl baseline update`; it keeps reason, owner and expires of entries that still match.\n' +
  ' expires: an ISO date (valid through that day) or null.';

export function isJsonName(filename: string): boolean {
  return /\.json$/i.test(filename);
}

function ordered(entry: BaselineEntry): BaselineEntry {
  // Fixed key order, whatever order the objects were built in.
  return { rule: entry.rule, file: entry.file, pointer: entry.pointer, fingerprint: entry.fingerprint, reason: entry.reason, owner: entry.owner, expires: entry.expires };
}

export function serializeBaseline(baseline: Baseline, filename: string): string {
  const data = { entries: [...baseline.entries].sort(compareEntries).map(ordered) };
  if (isJsonName(filename)) return JSON.stringify(data, null, 2) + '\n';
  const doc = new Document(data);
  doc.commentBefore = HEADER;
  // lineWidth 0: never fold long reasons across lines, so diffs stay one line per change.
  return doc.toString({ lineWidth: 0 });
}

/** Where a path inside the document is, for error messages. */
type Locate = (path: ReadonlyArray<string | number>) => { line?: number; column?: number };

function locator(text: string): Locate {
  const lineCounter = new LineCounter();
  // YAML parses JSON too, so one locator serves both syntaxes.
  const doc = parseDocument(text, { lineCounter });
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  };
}

function fail(filename: string, at: { line?: number; column?: number }, problem: string, cause?: unknown): never {
  throw new LoadError(filename, at.line, at.column, problem, cause === undefined ? undefined : { cause });
}

function parseText(text: string, filename: string): unknown {
  if (isJsonName(filename)) {
    try {
      return text.trim() === '' ? {} : JSON.parse(text);
    } catch (err) {
      const offset = jsonErrorOffset(text);
      const before = offset === undefined ? undefined : text.slice(0, offset).split('\n');
      fail(filename, before ? { line: before.length, column: before.at(-1)!.length + 1 } : {},
        `the baseline is not valid JSON (${offset === undefined || offset >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[offset])}`}); fix it or regenerate it with \`gwctl baseline create\``, err);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    fail(filename, { line: pos?.line, column: pos?.col },
      `the baseline is not valid YAML (${error.message.split('\n')[0]}); fix it or regenerate it with \`gwctl baseline create\``);
  }
  return doc.toJS() ?? {};
}

function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  if (!m) return false;
  // Reject dates that Date would roll over (2026-02-30 → March 2).
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.getUTCFullYear() === Number(m[1]) && day.getUTCMonth() === Number(m[2]) - 1 && day.getUTCDate() === Number(m[3])
    && !Number.isNaN(Date.parse(value));
}

export function parseBaseline(input: string, filename: string): Baseline {
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  const text = input.replace(/^\uFEFF/, '');
  const data = parseText(text, filename);
  const where = locator(text);
  const bad: (path: ReadonlyArray<string | number>, problem: string) => never = (path, problem) => fail(filename, where(path), problem);

  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    bad([], 'a baseline is an object with an `entries` list: `{entries: [{rule, file, pointer, fingerprint, reason, owner, expires}]}`');
  }
  for (const key of Object.keys(data)) {
    if (key !== 'entries' && !key.startsWith('x-')) bad([key], `unknown key \`${key}\` in the baseline; only \`entries\` (and x-* keys) are allowed`);
  }
  const rawEntries = (data as { entries?: unknown }).entries ?? [];
  if (!Array.isArray(rawEntries)) bad(['entries'], '`entries` must be a list of {rule, file, pointer, fingerprint, reason, owner, expires}');

  const entries = (rawEntries as unknown[]).map((raw, i): BaselineEntry => {
    const at = (key?: string) => (key === undefined ? ['entries', i] : ['entries', i, key]);
    const n = i + 1;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(at(), `baseline entry ${n} must be an object`);
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!(ENTRY_KEYS as readonly string[]).includes(key) && !key.startsWith('x-')) {
        bad(at(key), `baseline entry ${n} has an unknown key \`${key}\`; allowed: ${ENTRY_KEYS.join(', ')}`);
      }
    }
    for (const key of ['rule', 'file', 'fingerprint'] as const) {
      if (typeof e[key] !== 'string' || e[key] === '') bad(at(key), `baseline entry ${n} needs a non-empty string \`${key}\`; regenerate the entry with \`gwctl baseline update\``);
    }
    for (const key of ['pointer', 'reason', 'owner'] as const) {
      if (e[key] !== undefined && e[key] !== null && typeof e[key] !== 'string') bad(at(key), `baseline entry ${n}: \`${key}\` must be a string`);
    }
    const expires = e.expires ?? null;
    if (expires !== null && (typeof expires !== 'string' || !isIsoDate(expires))) {
      bad(at('expires'), `baseline entry ${n}: \`expires\` must be an ISO date like 2026-06-30 (or null), not ${JSON.stringify(expires)}`);
    }
    return {
      rule: e.rule as string,
      file: e.file as string,
      pointer: (e.pointer as string | undefined) ?? '',
      fingerprint: e.fingerprint as string,
      reason: (e.reason as string | undefined) ?? '',
      owner: (e.owner as string | undefined) ?? '',
      expires: expires as string | null,
    };
  });
  return { entries };
}

