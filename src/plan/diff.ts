import type { Change, FieldChange } from '../model/plan.js';
import { canonicalJson } from './canonical.js';

/**
 * The pure heart of plan/apply/drift: desired objects vs live (managed) objects → changes.
 * Both sides go through the same normaliser first, so server-side defaults never show as a
 * change. Secrets are masked only in what the plan shows (before/after/fields); the comparison
 * itself uses the real values, so a changed key or password is still a change.
 */

export interface DiffObject {
  kind: string;
  /** identity on the gateway */
  key: string;
  /** human name, e.g. `payments-api/list-payments` */
  label?: string;
  /** a few lines describing the object for the text plan */
  summary?: string[];
  value: unknown;
}

export interface DiffOptions {
  /** kinds in dependency order: created top-down, deleted bottom-up */
  kindOrder: readonly string[];
  /** applied to both sides before comparing (e.g. dropping Go zero values) */
  normalize?: (value: unknown) => unknown;
  /** replaces secret positions with `(secret)`; gets the normalised value */
  mask?: (object: DiffObject, value: unknown) => unknown;
  /** leave live objects that are not desired alone (apply --no-delete) */
  noDelete?: boolean;
}

export interface PlannedChange extends Change {
  summary?: string[];
}

export function diff(desired: readonly DiffObject[], live: readonly DiffObject[], options: DiffOptions): PlannedChange[] {
  const normalize = options.normalize ?? ((v: unknown) => v);
  const mask = options.mask ?? ((_o: DiffObject, v: unknown) => v);
  const id = (o: DiffObject) => `${o.kind}\0${o.key}`;
  const liveById = new Map(live.map((o) => [id(o), o]));
  const desiredIds = new Set(desired.map(id));
  const rank = (kind: string) => {
    const i = options.kindOrder.indexOf(kind);
    return i === -1 ? options.kindOrder.length : i;
  };

  const upserts: PlannedChange[] = [];
  for (const want of desired) {
    const have = liveById.get(id(want));
    const after = normalize(want.value);
    if (!have) {
      upserts.push(withInfo({ action: 'create', kind: want.kind, key: want.key, after: mask(want, after), fields: [] }, want));
      continue;
    }
    const before = normalize(have.value);
    if (canonicalJson(before) === canonicalJson(after)) continue;
    const fields = fieldChanges(before, after).map((field) => maskField(field, want, have, mask));
    upserts.push(withInfo({ action: 'update', kind: want.kind, key: want.key, before: mask(have, before), after: mask(want, after), fields }, want));
  }
  const deletes: PlannedChange[] = [];
  if (!options.noDelete) {
    for (const have of live) {
      if (desiredIds.has(id(have))) continue;
      deletes.push(withInfo({ action: 'delete', kind: have.kind, key: have.key, before: mask(have, normalize(have.value)), fields: [] }, have));
    }
  }
  // Stable sorts: within a kind, creates/updates keep the desired order, deletes the live order.
  upserts.sort((a, b) => rank(a.kind) - rank(b.kind));
  deletes.sort((a, b) => rank(b.kind) - rank(a.kind));
  return [...upserts, ...deletes];
}

function withInfo(change: PlannedChange, object: DiffObject): PlannedChange {
  if (object.label) change.label = object.label;
  if (object.summary?.length) change.summary = object.summary;
  return change;
}

/** Masks one field change by masking a one-leaf object at its path on each side. */
function maskField(field: FieldChange, want: DiffObject, have: DiffObject, mask: NonNullable<DiffOptions['mask']>): FieldChange {
  const out: FieldChange = { path: field.path };
  if ('before' in field) out.before = leafAt(mask(have, setAt(field.path, field.before)), field.path);
  if ('after' in field) out.after = leafAt(mask(want, setAt(field.path, field.after)), field.path);
  return out;
}

/** Every leaf that differs, by dotted path; a whole subtree when its type changes. */
export function fieldChanges(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  const container = (v: unknown) => (Array.isArray(v) ? 'array' : v && typeof v === 'object' ? 'object' : undefined);
  const kind = container(before);
  if (kind && kind === container(after)) {
    const keys = kind === 'array'
      ? Array.from({ length: Math.max((before as unknown[]).length, (after as unknown[]).length) }, (_, i) => String(i))
      : [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
    const out: FieldChange[] = [];
    for (const key of keys) {
      const path = prefix ? `${prefix}.${escapeSegment(key)}` : escapeSegment(key);
      const b = (before as Record<string, unknown>)[key];
      const a = (after as Record<string, unknown>)[key];
      if (b === undefined) out.push({ path, after: a });
      else if (a === undefined) out.push({ path, before: b });
      else out.push(...fieldChanges(b, a, path));
    }
    return out;
  }
  const field: FieldChange = { path: prefix };
  if (before !== undefined) field.before = before;
  if (after !== undefined) field.after = after;
  return [field];
}

function escapeSegment(key: string): string {
  return key.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
}

function splitPath(path: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) current += path[++i];
    else if (c === '.') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/** A sparse object with `value` at `path` (arrays where a segment is a number). */
function setAt(path: string, value: unknown): unknown {
  if (path === '') return value;
  const segments = splitPath(path);
  const root: Record<string, unknown> | unknown[] = /^\d+$/.test(segments[0]!) ? [] : {};
  let node: Record<string, unknown> | unknown[] = root;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const next = last ? value : /^\d+$/.test(segments[i + 1]!) ? [] : {};
    (node as Record<string, unknown>)[segment] = next;
    if (!last) node = next as Record<string, unknown> | unknown[];
  });
  return root;
}

function leafAt(value: unknown, path: string): unknown {
  if (path === '') return value;
  let node = value;
  for (const segment of splitPath(path)) {
    if (!node || typeof node !== 'object') return node;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
