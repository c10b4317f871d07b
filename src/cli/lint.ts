import path from 'node:path';
import type { Finding, Severity } from '../model/finding.js';
import { atOrAbove, summarize } from '../model/finding.js';
import type { CoverageRow, ReportContext, RuleMeta } from '../model/report.js';
import { UsageError } from '../model/errors.js';
import type { LintResult } from '../lint/engine.js';
import { activeRules, type ResolvedRuleset } from '../lint/ruleset.js';
import { baselineFileOf, runLint, withBaseline, type LintRun, type RunOptions } from '../lint/run.js';
import { RULES_BY_ID } from '../rules/index.js';
import { displayPath } from '../load/workspace.js';
import type { CliIo } from './main.js';
import { VERSION } from '../version.js';
import { terminalProgress, wantsColor } from './terminal.js';

export interface LintOptions extends RunOptions {
  format: string[];
  failSeverity: Severity | 'none';
  maxWarnings?: number;
  baseline?: string;
  quiet?: boolean;
  /** commander's --no-color: false when given */
  color: boolean;
}

export const DOCS_BASE = 'https://github.com/gwctl/gwctl/blob/main/docs/rules.md#';
export const DEFAULT_BASELINE = '.gwctl-baseline.yaml';

export async function lintCommand(paths: string[], options: LintOptions, io: CliIo): Promise<number> {
  const { parseFormatSpec, writeReports } = await import('../report/write.js');
  const outputs = (options.format.length > 0 ? options.format : ['stylish']).map(parseFormatSpec);
  const run = await runWithProgress(paths, options, io);

  const { findings, stale } = await withBaseline(run, options.baseline, io);

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

/** A lint run with a progress line on stderr while it lasts (only on a terminal). */
async function runWithProgress(paths: string[], options: RunOptions, io: CliIo): Promise<LintRun> {
  const progress = terminalProgress(io.stderr, Boolean(io.stderrIsTTY));
  return runLint(paths, options, { cwd: io.cwd, stderr: io.stderr, onProgress: progress.update }).finally(progress.done);
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

export interface BaselineOptions extends Pick<RunOptions, 'ruleset' | 'allowRemoteRefs' | 'maxFileSize' | 'maxAliases' | 'verbose' | 'cache'> {
  baseline?: string;
  force?: boolean;
}

/** `gwctl baseline create|update`: write the baseline from the current findings. */
export async function baselineCommand(action: 'create' | 'update', paths: string[], options: BaselineOptions, io: CliIo): Promise<number> {
  const run = await runWithProgress(paths, options, io);
  const file = baselineFileOf(run.context, options.baseline, io.cwd) ?? path.resolve(io.cwd, DEFAULT_BASELINE);
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
