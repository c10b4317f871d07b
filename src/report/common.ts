/** Small helpers shared by the formatters. All pure. */
import { atOrAbove, compareFindings, SEVERITY_RANK, type Finding, type Severity } from '../model/finding.js';
import type { ReportContext } from '../model/report.js';

export const SEVERITIES: readonly Severity[] = ['error', 'warn', 'info', 'hint'];

/** Human labels, singular and plural, as used in summary lines. */
export const SEVERITY_NOUN: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warn: ['warning', 'warnings'],
  info: ['info', 'infos'],
  hint: ['hint', 'hints'],
};

export function plural(n: number, [one, many]: readonly [string, string]): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A finding fails the run when it is at or above the fail severity and not baselined. */
export function isFailing(finding: Finding, context: ReportContext): boolean {
  return !finding.baselined && atOrAbove(finding.severity, context.failSeverity);
}

/** A sorted copy; formatters never reorder the caller's array in place. */
export function sorted(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Most severe first, then the stable file/line order; baselined findings after the live ones. */
export function byImportance(a: Finding, b: Finding): number {
  return Number(a.baselined) - Number(b.baselined)
    || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]
    || compareFindings(a, b);
}

/** Findings grouped by file, files in path order, findings in line order within each file. */
export function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of sorted(findings)) {
    const list = groups.get(f.file);
    if (list) list.push(f);
    else groups.set(f.file, [f]);
  }
  return groups;
}

/** Count of findings per key, in first-seen order. */
export function countBy<K>(items: readonly Finding[], key: (f: Finding) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** Per-rule counts split by severity, most findings first (ties by rule id). */
export interface RuleCount {
  rule: string;
  total: number;
  bySeverity: Record<Severity, number>;
}

export function countByRule(findings: readonly Finding[]): RuleCount[] {
  const rows = new Map<string, RuleCount>();
  for (const f of findings) {
    let row = rows.get(f.rule);
    if (!row) {
      row = { rule: f.rule, total: 0, bySeverity: { error: 0, warn: 0, info: 0, hint: 0 } };
      rows.set(f.rule, row);
    }
    row.total++;
    row.bySeverity[f.severity]++;
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** Messages are one line in line-oriented formats. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

export function countSummary(context: ReportContext): string {
  const s = context.summary;
  return [
    plural(s.errors, SEVERITY_NOUN.error),
    plural(s.warnings, SEVERITY_NOUN.warn),
    plural(s.infos, SEVERITY_NOUN.info),
    plural(s.hints, SEVERITY_NOUN.hint),
  ].join(', ');
}

export function totalOf(context: ReportContext): number {
  const s = context.summary;
  return s.errors + s.warnings + s.infos + s.hints;
}
