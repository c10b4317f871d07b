import path from 'node:path';
import type { Finding, Severity } from '../model/finding.js';
import { atOrAbove, summarize } from '../model/finding.js';
import type { CoverageRow, ReportContext, RuleMeta } from '../model/report.js';
import { UsageError } from '../model/errors.js';
import { lint, type LintRequest, type LintResult } from '../lint/engine.js';
import { activeRules, type ResolvedRuleset } from '../lint/ruleset.js';
import { RULES_BY_ID } from '../rules/index.js';
import { DEFAULT_MAX_FILE_BYTES, displayPath } from '../load/workspace.js';
import { gitRevision } from '../load/file-source.js';
import { Deadline } from '../load/deadline.js';
import type { CliIo } from './main.js';
import { chooseRuleset, choosePaths, runContext, type RunContext } from '../config/run-context.js';
import { VERSION } from '../version.js';
import { terminalProgress, wantsColor } from './terminal.js';

export interface LintOptions {
  ruleset?: string;
  format: string[];
  failSeverity: Severity | 'none';
  maxWarnings?: number;
  baseline?: string;
  since?: string;
  allowRemoteRefs?: string[];
  maxFileSize?: number;
  maxAliases?: number;
  maxDepth?: number;
  /** seconds */
  timeout?: number;
  quiet?: boolean;
  verbose?: boolean;
  color: boolean;
  engine?: 'gwctl' | 'spectral-core';
  /** commander's --no-cache: false when given */
  cache?: boolean;
}

export const DOCS_BASE = 'https://github.com/gwctl/gwctl/blob/main/docs/rules.md#';
export const DEFAULT_BASELINE = '.gwctl-baseline.yaml';

/** One lint run as every command sees it: the findings after --since and the baseline. */
export interface LintRun {
  context: RunContext;
  ruleset: ResolvedRuleset;
  result: LintResult;
  findings: Finding[];
  /** baseline entries that matched nothing; undefined when no baseline or --since was active */
  stale?: ReportContext['staleBaseline'];
}

/** The options that decide what a lint run finds (shared by lint and baseline). */
export type RunOptions = Pick<LintOptions, 'ruleset' | 'allowRemoteRefs' | 'maxFileSize' | 'maxAliases' | 'maxDepth' | 'timeout' | 'since' | 'verbose' | 'engine' | 'cache'>;

export async function runLint(paths: string[], options: RunOptions, io: CliIo): Promise<LintRun> {
  const deadline = new Deadline(options.timeout ?? Infinity);
  const disarm = deadline.armHardStop(io.stderr);
  try {
    return await runLintWithin(paths, options, io, deadline);
  } finally {
    disarm();
  }
}

async function runLintWithin(paths: string[], options: Omit<RunOptions, 'timeout'>, io: CliIo, deadline: Deadline): Promise<LintRun> {
  const context = runContext(io.cwd);
  const ruleset = chooseRuleset(context, options.ruleset);
  const request: LintRequest = {
    inputs: choosePaths(context, paths),
    cwd: io.cwd,
    root: context.root,
    ruleset,
    allowRemoteRefs: options.allowRemoteRefs,
    maxFileBytes: options.maxFileSize ? options.maxFileSize * 1e6 : DEFAULT_MAX_FILE_BYTES,
    maxAliases: options.maxAliases,
    maxDepth: options.maxDepth,
    deadline,
    engine: options.engine,
    cache: options.cache !== false,
  };
  const progress = terminalProgress(io.stderr, Boolean(io.stderrIsTTY));
  const result = await lint({ ...request, onProgress: progress.update }).finally(progress.done);
  if (options.verbose) {
    for (const [label, ms] of [...result.timings].sort((a, b) => b[1] - a[1])) io.stderr(`timing ${label}: ${ms.toFixed(1)} ms\n`);
  }
  let findings = result.findings;
  if (options.since) {
    // The same files as they were at that commit, read through git: only what is new fails.
    const previous = await lint({ ...request, source: gitRevision(context.root, options.since) });
    const { newFindingsOnly } = await import('../baseline/since.js');
    findings = newFindingsOnly(findings, previous.findings);
  }
  return { context, ruleset, result, findings, stale: options.since ? [] : undefined };
}

/** The baseline file of this run: --baseline, else `baseline:` of .gwctl.yaml. */
function baselinePath(context: RunContext, flag: string | undefined, cwd: string): string | undefined {
  if (flag) return path.resolve(cwd, flag);
  const project = context.project;
  return project?.baseline ? path.resolve(path.dirname(project.file), project.baseline) : undefined;
}

export async function lintCommand(paths: string[], options: LintOptions, io: CliIo): Promise<number> {
  const { parseFormatSpec, writeReports } = await import('../report/write.js');
  const outputs = (options.format.length > 0 ? options.format : ['stylish']).map(parseFormatSpec);
  const run = await runLint(paths, options, io);
  let { findings, stale } = run;

  const baselineFile = baselinePath(run.context, options.baseline, io.cwd);
  if (baselineFile) {
    const { applyBaseline, readBaselineFile } = await import('../baseline/index.js');
    const baseline = readBaselineFile(baselineFile);
    if (!baseline && options.baseline) {
      throw new UsageError(`the baseline ${options.baseline} does not exist; create it with \`gwctl baseline create --baseline ${options.baseline}\`.`);
    }
    if (baseline) {
      const applied = applyBaseline(findings, baseline, new Date());
      findings = applied.findings;
      stale = [...(stale ?? []), ...applied.stale];
      for (const entry of applied.expired) {
        io.stderr(`gwctl: baseline entry ${entry.rule} at ${entry.file}#${entry.pointer} expired on ${entry.expires}${entry.owner ? ` (owner ${entry.owner})` : ''}: its findings fail again.\n`);
      }
      if (applied.stale.length > 0) {
        io.stderr(`gwctl: ${applied.stale.length} baseline entr${applied.stale.length === 1 ? 'y matches' : 'ies match'} no finding any more (stale); remove ${applied.stale.length === 1 ? 'it' : 'them'} with \`gwctl baseline update\`.\n`);
      }
    }
  }

  const failing = (f: Finding) => !f.baselined && atOrAbove(f.severity, options.failSeverity);
  const shown = options.quiet ? findings.filter(failing) : findings;
  const reportContext: ReportContext = {
    cwd: io.cwd,
    tool: { name: 'gwctl', version: VERSION },
    rules: ruleMetas(run.ruleset),
    failSeverity: options.failSeverity,
    summary: summarize(shown, run.result.documents.length + run.result.cachedDocuments.length),
    source: (file) => run.result.workspace.textOf(path.resolve(io.cwd, file)),
    files: [...run.result.documents.map((doc) => doc.path), ...run.result.cachedDocuments].map((file) => displayPath(io.cwd, file)).sort(),
    coverage: await coverageOf(run.result, io.cwd),
    staleBaseline: stale,
  };
  const color = wantsColor(io, options.color !== false);
  // -q on a clean run: say nothing on stdout (files asked for are still written).
  const quietAndClean = options.quiet && shown.length === 0;
  await writeReports(outputs.filter((o) => !(quietAndClean && o.file === undefined && o.name === 'stylish')), shown, reportContext, {
    color,
    stdout: (text) => io.stdout(text.endsWith('\n') ? text : `${text}\n`),
  });

  const warnings = findings.filter((f) => !f.baselined && f.severity === 'warn').length;
  if (findings.some(failing)) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    io.stderr(`gwctl: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

/** The effective-policy rows for reports, when the run linted gateway configs. */
async function coverageOf(result: LintResult, cwd: string): Promise<CoverageRow[] | undefined> {
  if (!result.model || result.model.services.length === 0) return undefined;
  const { explainRows } = await import('../explain/explain.js');
  return explainRows(result.model, { cwd, deref: result.workspace.deref });
}

/** The rules active in this run, for SARIF/HTML help text. */
function ruleMetas(ruleset: ResolvedRuleset): RuleMeta[] {
  const metas: RuleMeta[] = [];
  for (const id of activeRules(ruleset)) {
    const rule = RULES_BY_ID.get(id);
    const severity = ruleset.severities.get(id) ?? 'warn';
    metas.push({
      id,
      description: rule?.description ?? id,
      docs: rule?.docs ?? { what: id, why: '', howToFix: '' },
      severity: severity === 'off' ? 'warn' : severity,
      helpUri: `${DOCS_BASE}${id}`,
    });
  }
  return metas.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export interface BaselineOptions extends Pick<LintOptions, 'ruleset' | 'allowRemoteRefs' | 'maxFileSize' | 'maxAliases' | 'verbose' | 'cache'> {
  baseline?: string;
  force?: boolean;
}

/** `gwctl baseline create|update`: write the baseline from the current findings. */
export async function baselineCommand(action: 'create' | 'update', paths: string[], options: BaselineOptions, io: CliIo): Promise<number> {
  const run = await runLint(paths, options, io);
  const file = baselinePath(run.context, options.baseline, io.cwd) ?? path.resolve(io.cwd, DEFAULT_BASELINE);
  const shown = displayPath(io.cwd, file);
  const { createBaseline, readBaselineFile, updateBaseline, writeBaselineFile } = await import('../baseline/index.js');
  const existing = readBaselineFile(file);
  if (action === 'create' && existing && !options.force) {
    throw new UsageError(`${shown} already exists; \`gwctl baseline update\` refreshes it and keeps reasons, owners and expiry dates (or pass --force to start over).`);
  }
  if (action === 'update' && !existing) {
    throw new UsageError(`${shown} does not exist yet; create it with \`gwctl baseline create\`.`);
  }
  const baseline = action === 'update' && existing ? updateBaseline(existing, run.findings) : createBaseline(run.findings);
  try {
    writeBaselineFile(file, baseline);
  } catch (error) {
    throw new UsageError(`cannot write ${shown} (${(error as NodeJS.ErrnoException).code ?? error}).`, { cause: error });
  }
  io.stdout(`${action === 'create' ? 'Created' : 'Updated'} ${shown}: ${baseline.entries.length} entr${baseline.entries.length === 1 ? 'y' : 'ies'}. Fill in reason, owner and expires for each before committing it.\n`);
  return 0;
}
