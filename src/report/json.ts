/**
 * `--format json`: exactly the shape pinned in cli.md. Objects are built key by key so the key
 * order is the spec's, whatever order the Finding objects happen to have.
 */
import type { Finding } from '../model/finding.js';
import type { Formatter } from '../model/report.js';

function findingJson(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: f.file,
    pointer: f.pointer,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    fingerprint: f.fingerprint,
    baselined: f.baselined,
  };
}

export const format: Formatter = (findings, context) => {
  const s = context.summary;
  const doc: Record<string, unknown> = {
    tool: { name: context.tool.name, version: context.tool.version },
    findings: findings.map(findingJson),
    summary: { files: s.files, errors: s.errors, warnings: s.warnings, infos: s.infos, hints: s.hints },
  };
  // Only present when a baseline had entries that matched nothing, so the common shape stays as pinned.
  if (context.staleBaseline && context.staleBaseline.length > 0) {
    doc.staleBaseline = context.staleBaseline.map((e) => ({
      rule: e.rule,
      file: e.file,
      pointer: e.pointer,
      fingerprint: e.fingerprint,
    }));
  }
  return JSON.stringify(doc, null, 2) + '\n';
};
