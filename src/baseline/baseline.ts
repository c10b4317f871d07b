/**
 * Pure baseline logic: which findings an accepted-debt list covers, and how that list is created
 * and kept up to date. Matching is on rule + file + fingerprint; the engine computes fingerprints
 * from rule, file, pointer and message (never line numbers), so a finding that only moved still
 * matches, and one entry covers every finding with the same fingerprint.
 */
import type { Finding } from '../model/finding.js';
import type { Baseline, BaselineEntry } from './types.js';

export interface BaselineResult {
  /** the input findings, copied; matched by a live entry → baselined: true */
  findings: Finding[];
  /** entries that matched no finding: the debt was paid (or the file moved) */
  stale: BaselineEntry[];
  /** entries that matched but have expired: their findings stay baselined: false and fail again */
  expired: BaselineEntry[];
}

type Keyed = Pick<Finding, 'rule' | 'file' | 'fingerprint'>;

export function baselineKey(x: Keyed): string {
  return `${x.rule}\u0000${x.file}\u0000${x.fingerprint}`;
}

/**
 * An entry with a bare date is valid through that whole day (UTC): "expires: 2026-06-30" still
 * covers findings on the 30th. A full date-time expires at that instant.
 */
export function isExpired(entry: Pick<BaselineEntry, 'expires'>, today: Date): boolean {
  if (entry.expires === null) return false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(entry.expires)) return today.toISOString().slice(0, 10) > entry.expires;
  const at = Date.parse(entry.expires);
  return Number.isNaN(at) ? false : today.getTime() >= at;
}

export function applyBaseline(findings: readonly Finding[], baseline: Baseline, today: Date): BaselineResult {
  // Several entries may share a key (hand-edited files); any live one keeps the findings baselined.
  const byKey = new Map<string, BaselineEntry[]>();
  for (const entry of baseline.entries) {
    const list = byKey.get(baselineKey(entry));
    if (list) list.push(entry);
    else byKey.set(baselineKey(entry), [entry]);
  }

  const matchedKeys = new Set<string>();
  const out = findings.map((f) => {
    const entries = byKey.get(baselineKey(f));
    if (!entries) return { ...f };
    matchedKeys.add(baselineKey(f));
    const live = entries.some((e) => !isExpired(e, today));
    // An already-baselined finding (e.g. by --since) stays baselined.
    return { ...f, baselined: f.baselined || live };
  });

  const stale: BaselineEntry[] = [];
  const expired: BaselineEntry[] = [];
  for (const entry of baseline.entries) {
    if (!matchedKeys.has(baselineKey(entry))) stale.push(entry);
    else if (isExpired(entry, today)) expired.push(entry);
  }
  return { findings: out, stale, expired };
}

/** Entries sorted by file, rule, pointer, fingerprint, so the file diffs cleanly in review. */
export function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  for (const k of ['file', 'rule', 'pointer', 'fingerprint'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

function entryFor(f: Finding): BaselineEntry {
  return { rule: f.rule, file: f.file, pointer: f.pointer, fingerprint: f.fingerprint, reason: '', owner: '', expires: null };
}

/** One entry per distinct (rule, file, fingerprint) among the findings. */
export function createBaseline(findings: readonly Finding[]): Baseline {
  return updateBaseline({ entries: [] }, findings);
}

/**
 * Keeps reason, owner and expiry of entries that still match a finding, adds entries for new
 * findings (reason and owner empty, never expiring) and drops entries that match nothing.
 */
export function updateBaseline(old: Baseline, findings: readonly Finding[]): Baseline {
  const previous = new Map<string, BaselineEntry>();
  for (const e of old.entries) if (!previous.has(baselineKey(e))) previous.set(baselineKey(e), e);

  const entries = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const key = baselineKey(f);
    if (entries.has(key)) continue;
    const kept = previous.get(key);
    entries.set(key, kept
      ? { rule: f.rule, file: f.file, pointer: f.pointer, fingerprint: f.fingerprint, reason: kept.reason, owner: kept.owner, expires: kept.expires }
      : entryFor(f));
  }
  return { entries: [...entries.values()].sort(compareEntries) };
}
