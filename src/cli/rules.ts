import { RULES, RULES_BY_ID } from '../rules/index.js';
import { loadRuleset } from '../lint/ruleset.js';
import { UsageError } from '../model/errors.js';
import type { CliIo } from './main.js';

export function rulesList(options: { format: string }, io: CliIo): number {
  const recommended = loadRuleset('gwctl:recommended', io.cwd).severities;
  const rows = RULES.map((rule) => ({ id: rule.id, severity: recommended.get(rule.id) ?? 'off', formats: rule.formats.join(','), description: rule.description }));
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const idWidth = Math.max(...rows.map((r) => r.id.length));
  io.stdout(`${'rule'.padEnd(idWidth)}  ${'severity'.padEnd(8)}  description\n`);
  for (const row of rows) io.stdout(`${row.id.padEnd(idWidth)}  ${row.severity.padEnd(8)}  ${row.description}\n`);
  io.stdout(`\n${rows.length} rules; severities are those of gwctl:recommended. \`gwctl rules explain ID\` prints a rule's docs.\n`);
  return 0;
}

export function rulesExplain(id: string, io: CliIo): number {
  const rule = RULES_BY_ID.get(id);
  if (!rule) {
    const close = RULES.filter((r) => r.id.includes(id) || id.includes(r.id.split('-')[1] ?? '\0')).map((r) => r.id);
    throw new UsageError(`there is no rule '${id}'${close.length ? `; did you mean ${close.slice(0, 3).join(', ')}?` : ''} Run \`gwctl rules list\` to see them all.`);
  }
  const severity = loadRuleset('gwctl:recommended', io.cwd).severities.get(id) ?? 'off';
  io.stdout(`${rule.id}  (${severity} in gwctl:recommended; applies to ${rule.formats.join(', ')})\n\n${rule.description}\n\nWhat it checks\n  ${wrap(rule.docs.what)}\n\nWhy\n  ${wrap(rule.docs.why)}\n\nHow to fix\n  ${wrap(rule.docs.howToFix)}\n`);
  return 0;
}

function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (line && line.length + word.length + 1 > width) { lines.push(line); line = word; }
      else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines.join('\n  ');
}
