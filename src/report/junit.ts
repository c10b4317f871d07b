/**
 * JUnit XML for CI test-report widgets (Jenkins, GitLab, Azure): one <testsuite> per file, one
 * <testcase> per finding. Only findings that fail the run (at or above the fail severity, not
 * baselined) carry a <failure>; baselined ones are <skipped>, the rest pass. Clean files get one
 * passing test case so the widget shows what was checked.
 */
import type { Finding } from '../model/finding.js';
import type { Formatter, ReportContext } from '../model/report.js';
import { escapeXml as x } from './escape.js';
import { groupByFile, isFailing, oneLine } from './common.js';

interface Suite {
  name: string;
  cases: string[];
  failures: number;
  skipped: number;
}

function findingCase(f: Finding, context: ReportContext): { xml: string; failed: boolean; skipped: boolean } {
  const open = `    <testcase classname="${x(f.file)}" name="${x(`${f.rule} at ${f.line}:${f.column}`)}" file="${x(f.file)}" line="${f.line}" time="0"`;
  if (isFailing(f, context)) {
    const body = `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}\n${f.message}\npointer: ${f.pointer || '(root)'}`;
    const failure = `<failure message="${x(oneLine(f.message))}" type="${x(f.severity)}">${x(body)}</failure>`;
    return { xml: `${open}>\n      ${failure}\n    </testcase>`, failed: true, skipped: false };
  }
  if (f.baselined) {
    return { xml: `${open}>\n      <skipped message="${x(`baselined: ${oneLine(f.message)}`)}"/>\n    </testcase>`, failed: false, skipped: true };
  }
  // Below the fail severity: reported, but not a failure.
  return { xml: `${open}>\n      <system-out>${x(`${f.severity}: ${f.message}`)}</system-out>\n    </testcase>`, failed: false, skipped: false };
}

function cleanSuite(name: string, caseName: string): Suite {
  return { name, cases: [`    <testcase classname="${x(name)}" name="${x(caseName)}" time="0"/>`], failures: 0, skipped: 0 };
}

/** Files known to have been linted without findings: from the CLI's file list, else coverage rows. */
function cleanFiles(findings: readonly Finding[], context: ReportContext): string[] {
  const withFindings = new Set(findings.map((f) => f.file));
  const known = context.files ?? (context.coverage ?? []).map((r) => r.file);
  return [...new Set(known)].filter((f) => !withFindings.has(f)).sort();
}

export const format: Formatter = (findings, context) => {
  const suites: Suite[] = [];
  for (const [file, list] of groupByFile(findings)) {
    const suite: Suite = { name: file, cases: [], failures: 0, skipped: 0 };
    for (const f of list) {
      const c = findingCase(f, context);
      suite.cases.push(c.xml);
      if (c.failed) suite.failures++;
      if (c.skipped) suite.skipped++;
    }
    suites.push(suite);
  }
  const clean = cleanFiles(findings, context);
  for (const file of clean) suites.push(cleanSuite(file, 'no findings'));

  // Files the summary counts but no list names (no --files extra, no coverage) are one case.
  const unnamed = context.summary.files - suites.length;
  if (unnamed > 0) {
    suites.push(cleanSuite(context.tool.name, unnamed === 1 ? '1 other file: no findings' : `${unnamed} other files: no findings`));
  } else if (suites.length === 0) {
    suites.push(cleanSuite(context.tool.name, 'no findings'));
  }

  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const skipped = suites.reduce((n, s) => n + s.skipped, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(context.tool.name)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
  ];
  for (const s of suites) {
    lines.push(`  <testsuite name="${x(s.name)}" tests="${s.cases.length}" failures="${s.failures}" errors="0" skipped="${s.skipped}" time="0">`);
    lines.push(...s.cases);
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
};
