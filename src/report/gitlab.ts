/**
 * GitLab code-quality report (a Code Climate subset): a JSON array the merge-request widget diffs
 * against the target branch by `fingerprint`.
 */
import type { Severity } from '../model/finding.js';
import type { Formatter } from '../model/report.js';

type GitlabSeverity = 'blocker' | 'critical' | 'major' | 'minor' | 'info';
// `blocker` is left for nothing: gwctl has no severity above "fails the run".
const SEVERITY: Record<Severity, GitlabSeverity> = { error: 'critical', warn: 'major', info: 'minor', hint: 'info' };

export const format: Formatter = (findings) => {
  // GitLab wants fingerprints unique within a report; identical findings (same rule, file,
  // pointer, message) share one, so repeats get an occurrence suffix.
  const seen = new Map<string, number>();
  const issues = findings.map((f) => {
    const n = (seen.get(f.fingerprint) ?? 0) + 1;
    seen.set(f.fingerprint, n);
    return {
      description: f.message,
      check_name: f.rule,
      fingerprint: n === 1 ? f.fingerprint : `${f.fingerprint}-${n}`,
      severity: SEVERITY[f.severity],
      location: { path: f.file, lines: { begin: f.line } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
};
