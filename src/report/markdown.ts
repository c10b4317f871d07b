/**
 * A PR comment / GitHub job summary: status heading, counts by severity, counts by rule, then the
 * findings most severe first, capped so the comment stays within the host's size limits.
 */
import type { Finding, Severity } from '../model/finding.js';
import type { Formatter, ReportContext } from '../model/report.js';
import { byImportance, countByRule, isFailing, plural, SEVERITIES, SEVERITY_NOUN, totalOf } from './common.js';

/** Rows in the findings table before "…and N more". */
export const MAX_ROWS = 50;

const ICON: Record<Severity, string> = { error: '🔴', warn: '🟠', info: '🔵', hint: '⚪' };
const COUNT_KEY = { error: 'errors', warn: 'warnings', info: 'infos', hint: 'hints' } as const;

/** Table-cell text: Markdown punctuation that could start markup is backslash-escaped, newlines become <br>. */
export function cell(text: string): string {
  return text
    .replace(/[\\|`*_[\]<>#~]/g, (ch) => '\\' + ch)
    .replace(/\r?\n/g, '<br>');
}

/** Inline code that may itself contain backticks. */
function code(text: string): string {
  const safe = text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const ticks = safe.includes('`') ? '``' : '`';
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${safe}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}

function heading(findings: readonly Finding[], context: ReportContext): string {
  const total = totalOf(context);
  const files = plural(context.summary.files, ['file', 'files']);
  if (findings.length === 0) return `## ✅ ${context.tool.name}: no problems found in ${files}`;
  const failing = findings.filter((f) => isFailing(f, context)).length;
  const status = failing > 0 ? '❌' : '⚠️';
  return `## ${status} ${context.tool.name}: ${plural(total, ['problem', 'problems'])} in ${files}`;
}

function severityTable(context: ReportContext): string[] {
  const rows = SEVERITIES.map((s) => `| ${ICON[s]} ${SEVERITY_NOUN[s][1]} | ${context.summary[COUNT_KEY[s]]} |`);
  return ['| Severity | Count |', '|---|---:|', ...rows];
}

function ruleTable(findings: readonly Finding[]): string[] {
  const rows = countByRule(findings).map((r) =>
    `| ${code(r.rule)} | ${r.bySeverity.error} | ${r.bySeverity.warn} | ${r.bySeverity.info} | ${r.bySeverity.hint} | ${r.total} |`);
  return ['| Rule | Errors | Warnings | Infos | Hints | Total |', '|---|---:|---:|---:|---:|---:|', ...rows];
}

function findingsTable(findings: readonly Finding[]): string[] {
  const ordered = [...findings].sort(byImportance);
  const rows = ordered.slice(0, MAX_ROWS).map((f) => {
    const severity = `${ICON[f.severity]} ${f.severity}${f.baselined ? ' (baselined)' : ''}`;
    return `| ${code(`${f.file}:${f.line}`)} | ${severity} | ${code(f.rule)} | ${cell(f.message)} |`;
  });
  const out = ['| Location | Severity | Rule | Message |', '|---|---|---|---|', ...rows];
  if (ordered.length > MAX_ROWS) out.push('', `…and ${ordered.length - MAX_ROWS} more.`);
  return out;
}

export const format: Formatter = (findings, context) => {
  const out = [heading(findings, context), ''];
  if (findings.length > 0) {
    out.push(...severityTable(context), '');
    const failing = findings.filter((f) => isFailing(f, context)).length;
    const baselined = findings.filter((f) => f.baselined).length;
    let note = `${plural(failing, ['finding fails', 'findings fail'])} the run (fail severity: ${context.failSeverity})`;
    if (baselined > 0) note += `; ${baselined} baselined`;
    out.push(note + '.', '');
    out.push('### By rule', '', ...ruleTable(findings), '');
    out.push('### Findings', '', ...findingsTable(findings), '');
  }
  const stale = context.staleBaseline ?? [];
  if (stale.length > 0) {
    out.push('### Stale baseline entries', '', `${plural(stale.length, ['entry matches', 'entries match'])} no finding any more; \`gwctl baseline update\` drops ${stale.length === 1 ? 'it' : 'them'}.`, '');
    out.push('| File | Pointer | Rule |', '|---|---|---|');
    for (const e of stale) out.push(`| ${code(e.file)} | ${code(e.pointer || '(root)')} | ${code(e.rule)} |`);
    out.push('');
  }
  return out.join('\n');
};
