/** The one Finding type every part of gwctl speaks. Formatters never recount or convert it. */

export type Severity = 'error' | 'warn' | 'info' | 'hint';
export type SeverityOrOff = Severity | 'off';

/** Lower number = more severe, so `rank(a) <= rank(threshold)` means "at or above". */
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warn: 1, info: 2, hint: 3 };

export interface Range {
  /** 1-based */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Finding extends Range {
  rule: string;
  severity: Severity;
  message: string;
  /** relative to the current folder, with forward slashes */
  file: string;
  /** RFC 6901 pointer into `file` where the offending node really is */
  pointer: string;
  fingerprint: string;
  baselined: boolean;
}

export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
}

export function summarize(findings: readonly Finding[], files: number): Summary {
  const summary: Summary = { files, errors: 0, warnings: 0, infos: 0, hints: 0 };
  for (const f of findings) {
    if (f.severity === 'error') summary.errors++;
    else if (f.severity === 'warn') summary.warnings++;
    else if (f.severity === 'info') summary.infos++;
    else summary.hints++;
  }
  return summary;
}

export function atOrAbove(severity: Severity, threshold: Severity | 'none'): boolean {
  if (threshold === 'none') return false;
  return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold];
}

/** Stable order: file, line, column, rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1
    : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
