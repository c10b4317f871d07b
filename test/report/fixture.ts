/** The realistic fixture shared by the report tests: fixtures/report/{findings,rules,coverage}.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, type Finding } from '../../src/model/finding.js';
import type { CoverageRow, ReportContext, RuleMeta } from '../../src/model/report.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/report/', import.meta.url));
export const PROJECT_DIR = join(FIXTURE_DIR, 'project');

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as T;
}

export const fixtureFindings = (): Finding[] => readJson<Finding[]>('findings.json');
export const fixtureRules = (): RuleMeta[] => readJson<RuleMeta[]>('rules.json');
export const fixtureCoverage = (): CoverageRow[] => readJson<CoverageRow[]>('coverage.json');

export function makeContext(findings: readonly Finding[], overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    cwd: PROJECT_DIR,
    tool: { name: 'gwctl', version: '0.1.0' },
    rules: fixtureRules(),
    failSeverity: 'error',
    summary: summarize(findings, 3),
    source: (file) => {
      try {
        return readFileSync(join(PROJECT_DIR, file), 'utf8');
      } catch {
        return undefined;
      }
    },
    ...overrides,
  };
}

/** A small hand-made finding; fields overridable. */
export function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'route-auth-required',
    severity: 'error',
    message: "Route 'list-payments' has no auth",
    file: 'gateway/payments.yaml',
    pointer: '/services/0/routes/0',
    line: 26,
    column: 9,
    endLine: 30,
    endColumn: 29,
    fingerprint: 'fp-1',
    baselined: false,
    ...over,
  };
}
