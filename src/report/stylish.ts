/**
 * ESLint-style terminal output: a header per file, aligned `line:col severity message rule` rows,
 * then a summary line. Colour is the caller's decision (TTY and not NO_COLOR); `format` has none.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, Severity } from '../model/finding.js';
import type { Formatter, ReportContext } from '../model/report.js';
import { countSummary, groupByFile, isFailing, oneLine, plural, totalOf } from './common.js';

export interface StylishOptions {
  color: boolean;
}

export function formatStylish(findings: readonly Finding[], context: ReportContext, options: StylishOptions): string {
  // level 1 (16 colours) is enough for this palette and renders on every colour terminal.
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];

  for (const [file, list] of groupByFile(findings)) {
    out.push(c.underline(file), ...fileRows(list, c), '');
  }

  if (findings.length === 0) out.push(c.green('No problems found.'));
  else out.push(...summaryLines(findings, context, c));

  out.push(...staleLines(context, c));
  return out.join('\n') + '\n';
}

export const format: Formatter = (findings, context) => formatStylish(findings, context, { color: false });

const SEVERITY_COLOR: Record<Severity, (c: ChalkInstance, s: string) => string> = {
  error: (c, s) => c.red(s),
  warn: (c, s) => c.yellow(s),
  info: (c, s) => c.blue(s),
  hint: (c, s) => c.gray(s),
};

/** Columns are padded on the plain text before colouring, so escape codes never skew alignment. */
function fileRows(list: readonly Finding[], c: ChalkInstance): string[] {
  const rows = list.map((f) => ({
    pos: `${f.line}:${f.column}`,
    severity: f.severity,
    message: oneLine(f.message),
    rule: f.rule,
    baselined: f.baselined,
  }));
  const w = {
    pos: Math.max(...rows.map((r) => r.pos.length)),
    severity: Math.max(...rows.map((r) => r.severity.length)),
    message: Math.max(...rows.map((r) => r.message.length)),
  };
  return rows.map((r) => {
    const line = [
      '  ' + c.dim(r.pos.padEnd(w.pos)),
      SEVERITY_COLOR[r.severity](c, r.severity.padEnd(w.severity)),
      r.message.padEnd(w.message),
      c.dim(r.rule) + (r.baselined ? ' ' + c.cyan('(baselined)') : ''),
    ].join('  ');
    return line.trimEnd();
  });
}

function summaryLines(findings: readonly Finding[], context: ReportContext, c: ChalkInstance): string[] {
  const total = totalOf(context);
  const failing = findings.some((f) => isFailing(f, context));
  const paint = failing ? c.red.bold : c.yellow.bold;
  const lines = [paint(`✖ ${plural(total, ['problem', 'problems'])} (${countSummary(context)})`)];
  const baselined = findings.filter((f) => f.baselined).length;
  if (baselined > 0) {
    lines.push(c.cyan(`  ${plural(baselined, ['baselined finding', 'baselined findings'])} shown above ${baselined === 1 ? 'does' : 'do'} not fail the run.`));
  }
  return lines;
}

function staleLines(context: ReportContext, c: ChalkInstance): string[] {
  const stale = context.staleBaseline ?? [];
  if (stale.length === 0) return [];
  const lines = ['', c.yellow(`${plural(stale.length, ['baseline entry matches', 'baseline entries match'])} no finding any more (run \`gwctl baseline update\` to drop ${stale.length === 1 ? 'it' : 'them'}):`)];
  for (const e of stale) lines.push(`  ${e.file}  ${c.dim(e.pointer || '(root)')}  ${c.dim(e.rule)}`);
  return lines;
}
