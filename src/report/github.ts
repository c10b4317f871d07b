/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the PR diff.
 * Escaping follows the runner's own (actions/toolkit `command.ts`): data escapes `%`, CR, LF;
 * property values additionally escape `:` and `,`, which would otherwise end the value.
 */
import type { Finding, Severity } from '../model/finding.js';
import type { Formatter } from '../model/report.js';

type Command = 'error' | 'warning' | 'notice';
const COMMAND: Record<Severity, Command> = { error: 'error', warn: 'warning', info: 'notice', hint: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(name: Command, props: Array<[string, string | number]>, message: string): string {
  const list = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${name}${list ? ' ' + list : ''}::${escapeData(message)}`;
}

function annotation(f: Finding): string {
  // Baselined findings are accepted debt: still visible, but as notices that do not look like failures.
  const name = f.baselined ? 'notice' : COMMAND[f.severity];
  const props: Array<[string, string | number]> = [
    ['file', f.file],
    ['line', f.line],
    ['col', f.column],
    ['endLine', f.endLine],
    ['endColumn', f.endColumn],
    ['title', f.baselined ? `${f.rule} (baselined)` : f.rule],
  ];
  return command(name, props, f.message);
}

export const format: Formatter = (findings, context) => {
  const lines = findings.map(annotation);
  for (const e of context.staleBaseline ?? []) {
    lines.push(command('warning', [['title', 'stale baseline entry']],
      `Baseline entry ${e.rule} at ${e.file}${e.pointer ? '#' + e.pointer : ''} matches no finding any more; run gwctl baseline update to drop it.`));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
};
