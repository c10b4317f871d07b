import type { Finding, Severity, Summary } from './finding.js';
import type { RuleDocs } from './rule.js';

/** What a formatter may know about a rule (for SARIF `tool.driver.rules`, HTML help, …). */
export interface RuleMeta {
  id: string;
  description: string;
  docs: RuleDocs;
  /** the severity the active ruleset gives it ('off' rules are not listed) */
  severity: Severity;
  helpUri: string;
}

/** One row of the effective-policy table (`gwctl explain`, HTML coverage matrix). */
export interface CoverageRow {
  kind: 'route' | 'operation' | 'uncovered-operation' | 'shadow-route';
  tenant?: string;
  service: string;
  route?: string;
  /** for operation rows: "GET /v1/payments/{id}" */
  operation?: string;
  methods: string[];
  paths: string[];
  hosts: string[];
  auth: string;
  rateLimit?: string;
  tls: string;
  upstream?: string;
  /** consumers with an approved, allowed subscription; ['*'] for public routes */
  callers: string[];
  file: string;
  line?: number;
}

export interface ReportContext {
  cwd: string;
  tool: { name: 'gwctl'; version: string };
  /** every rule that was active in the run */
  rules: RuleMeta[];
  failSeverity: Severity | 'none';
  summary: Summary;
  /** the text of a linted file, by its relative path, for code excerpts */
  source(file: string): string | undefined;
  /** every linted document (relative, forward slashes), with or without findings */
  files?: readonly string[];
  /** present when the run included gateway configs */
  coverage?: CoverageRow[];
  /** baseline entries that matched nothing */
  staleBaseline?: Array<{ rule: string; file: string; pointer: string; fingerprint: string }>;
}

/** A formatter is pure: findings + context in, the whole output text out. */
export type Formatter = (findings: readonly Finding[], context: ReportContext) => string;
