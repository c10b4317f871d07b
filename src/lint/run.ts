import path from 'node:path';
import type { Finding } from '../model/finding.js';
import type { ReportContext } from '../model/report.js';
import { UsageError } from '../model/errors.js';
import { DEFAULT_MAX_FILE_BYTES } from '../load/workspace.js';
import { gitRevision } from '../load/file-source.js';
import { Deadline } from '../load/deadline.js';
import { chooseRuleset, choosePaths, runContext, type RunContext } from '../config/run-context.js';
import { lint, type LintRequest, type LintResult } from './engine.js';
import type { ResolvedRuleset } from './ruleset.js';

/**
 * A lint run as the commands see it: the project's ruleset and paths, the engine under the time
 * budget, then --since and the baseline deciding which findings are new.
 */

/** The options that decide what a lint run finds (shared by lint and baseline). */
export interface RunOptions {
  ruleset?: string;
  since?: string;
  allowRemoteRefs?: string[];
  /** MB */
  maxFileSize?: number;
  maxAliases?: number;
  maxDepth?: number;
  /** seconds for the whole run */
  timeout?: number;
  /** print timings per phase and rule */
  verbose?: boolean;
  engine?: 'gwctl' | 'spectral-core';
  /** false: lint everything afresh */
  cache?: boolean;
}

export interface RunIo {
  cwd: string;
  stderr(text: string): void;
  onProgress?: LintRequest['onProgress'];
}

/** One lint run as every command sees it: the findings after --since (the baseline comes after). */
export interface LintRun {
  context: RunContext;
  ruleset: ResolvedRuleset;
  result: LintResult;
  findings: Finding[];
  /** baseline entries that matched nothing; undefined when no baseline or --since was active */
  stale?: ReportContext['staleBaseline'];
}

/** Lints under the run's time budget (--timeout), with a hard stop should a step never return. */
export async function runLint(paths: string[], options: RunOptions, io: RunIo): Promise<LintRun> {
  const deadline = new Deadline(options.timeout ?? Infinity);
  const disarm = deadline.armHardStop(io.stderr);
  try {
    return await runLintWithin(paths, options, io, deadline);
  } finally {
    disarm();
  }
}

async function runLintWithin(paths: string[], options: Omit<RunOptions, 'timeout'>, io: RunIo, deadline: Deadline): Promise<LintRun> {
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
  const result = await lint({ ...request, ...(io.onProgress ? { onProgress: io.onProgress } : {}) });
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
export function baselineFileOf(context: RunContext, flag: string | undefined, cwd: string): string | undefined {
  if (flag) return path.resolve(cwd, flag);
  const project = context.project;
  return project?.baseline ? path.resolve(path.dirname(project.file), project.baseline) : undefined;
}

/**
 * The run's findings with the baseline applied: matching entries mark findings baselined,
 * expired ones say so on stderr and fail again, stale ones are returned and counted.
 */
export async function withBaseline(run: LintRun, flag: string | undefined, io: RunIo): Promise<{ findings: Finding[]; stale: ReportContext['staleBaseline'] }> {
  const baselineFile = baselineFileOf(run.context, flag, io.cwd);
  if (!baselineFile) return { findings: run.findings, stale: run.stale };
  const { applyBaseline, readBaselineFile } = await import('../baseline/index.js');
  const baseline = readBaselineFile(baselineFile);
  if (!baseline) {
    // A baseline named in .gwctl.yaml may not be created yet; one named on the command line must exist.
    if (flag) throw new UsageError(`the baseline ${flag} does not exist; create it with \`gwctl baseline create --baseline ${flag}\`.`);
    return { findings: run.findings, stale: run.stale };
  }
  const applied = applyBaseline(run.findings, baseline, new Date());
  for (const entry of applied.expired) {
    io.stderr(`gwctl: baseline entry ${entry.rule} at ${entry.file}#${entry.pointer} expired on ${entry.expires}${entry.owner ? ` (owner ${entry.owner})` : ''}: its findings fail again.\n`);
  }
  const stale = applied.stale.length;
  if (stale > 0) {
    io.stderr(`gwctl: ${stale} baseline entr${stale === 1 ? 'y matches' : 'ies match'} no finding any more (stale); remove ${stale === 1 ? 'it' : 'them'} with \`gwctl baseline update\`.\n`);
  }
  return { findings: applied.findings, stale: [...(run.stale ?? []), ...applied.stale] };
}
