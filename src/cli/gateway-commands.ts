import { createHash } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Finding } from '../model/finding.js';
import { GwctlError, PolicyRefusal, UsageError } from '../model/errors.js';
import type { GatewayModel } from '../model/gateway.js';
import { PLAN_FORMAT, summarizeChanges, type Plan, type PlanInputFile } from '../model/plan.js';
import { lint } from '../lint/engine.js';
import { expandInputs } from '../load/files.js';
import { displayPath } from '../load/workspace.js';
import { effectivePolicies } from '../normalize/effective-policy.js';
import { diff } from '../plan/diff.js';
import { inputHash, liveFingerprint } from '../plan/fingerprint.js';
import { renderPlan } from '../plan/render.js';
import type { DesiredState, Driver, LiveState } from '../gateway/driver.js';
import { createDriver } from '../gateway/index.js';
import { SecretResolver } from '../gateway/secrets.js';
import { resolveTarget, transportWarnings, type ResolvedTarget } from '../gateway/targets.js';
import { checkAllowNames, refuseUnenforced, unenforcedPolicies } from '../gateway/unenforced.js';
import { gatewaySentence, journalResult, outcomeRecord, writeJournal, type Journal } from '../apply/journal.js';
import { hashFile, looksLikeSavedPlan, readSavedPlan, writeSavedPlan } from '../apply/saved-plan.js';
import { canonicalJson } from '../plan/canonical.js';
import type { CliIo } from './main.js';
import { chooseRuleset, choosePaths, runContext, type RunContext } from './context.js';
import { VERSION } from '../version.js';

/**
 * plan / apply / drift: lint (errors stop plan and apply) → resolve the target → refuse what the
 * target cannot enforce → fetch live → render → validate → diff → print; apply then writes
 * through the driver and journals. One `prepare` serves all three, so they cannot disagree.
 */

export interface GatewayCommandOptions {
  target?: string;
  ruleset?: string;
  ca?: string;
  timeout?: number;
  concurrency?: number;
  allowUnenforced?: string[];
  verbose?: boolean;
}

export interface PlanCommandOptions extends GatewayCommandOptions {
  out?: string;
  detailedExitcode?: boolean;
}

export interface ApplyCommandOptions extends GatewayCommandOptions {
  yes?: boolean;
  /** commander's --no-delete: false when given */
  delete?: boolean;
}

type Verb = 'plan' | 'apply' | 'drift';

interface Prepared {
  plan: Plan;
  driver: Driver;
  desired: DesiredState;
  live: LiveState;
  secrets: SecretResolver;
  context: RunContext;
}

interface PrepareRequest {
  verb: Verb;
  paths: string[];
  options: GatewayCommandOptions;
  noDelete?: boolean;
  /** apply of a saved plan: what must not have moved */
  saved?: Plan;
}

export async function planCommand(paths: string[], options: PlanCommandOptions, io: CliIo): Promise<number> {
  const prepared = await prepare({ verb: 'plan', paths, options }, io);
  try {
    const { plan, secrets } = prepared;
    io.stdout(secrets.redact(renderPlan(plan, { color: color(io) })));
    if (options.out) {
      const file = path.resolve(io.cwd, options.out);
      writeSavedPlan(file, plan, (t) => secrets.redact(t));
      io.stdout(`Saved the plan to ${displayPath(io.cwd, file)}; apply it with: gwctl apply ${displayPath(io.cwd, file)}\n`);
    }
    return options.detailedExitcode && plan.changes.length > 0 ? 3 : 0;
  } finally {
    await prepared.driver.close();
  }
}

export async function driftCommand(paths: string[], options: GatewayCommandOptions, io: CliIo): Promise<number> {
  const prepared = await prepare({ verb: 'drift', paths, options }, io);
  try {
    io.stdout(prepared.secrets.redact(renderPlan(prepared.plan, { color: color(io), mode: 'drift' })));
    return prepared.plan.changes.length > 0 ? 3 : 0;
  } finally {
    await prepared.driver.close();
  }
}

export async function applyCommand(paths: string[], options: ApplyCommandOptions, io: CliIo): Promise<number> {
  const noDelete = options.delete === false;
  let source = 'configs';
  let request: PrepareRequest = { verb: 'apply', paths, options, noDelete };
  if (paths.length === 1 && looksLikeSavedPlan(path.resolve(io.cwd, paths[0]!))) {
    const file = path.resolve(io.cwd, paths[0]!);
    source = displayPath(io.cwd, file);
    request = savedPlanRequest(readSavedPlan(file, source), options, io, noDelete);
  } else if (paths.some((p) => looksLikeSavedPlan(path.resolve(io.cwd, p)))) {
    throw new UsageError('apply takes either gateway configs or one saved plan.json, not both.');
  }
  // Refuse early, before anything is read from the gateway, when no one can confirm.
  const interactive = io.stdinIsTTY ?? Boolean(process.stdin.isTTY);
  if (!options.yes && !interactive) {
    throw new UsageError('apply needs --yes when there is no terminal to confirm on; nothing was changed.');
  }

  const prepared = await prepare(request, io);
  const { plan, driver, desired, live, secrets, context } = prepared;
  try {
    io.stdout(secrets.redact(renderPlan(plan, { color: color(io) })));
    const started = new Date().toISOString();
    const journal: Journal = {
      format: 'gwctl-journal/v1',
      tool: { name: 'gwctl', version: VERSION },
      startedAt: started,
      finishedAt: started,
      target: plan.target,
      source,
      inputs: { hash: plan.inputs.hash },
      live: { fingerprint: plan.live.fingerprint, ...(live.etag ? { etagBefore: live.etag } : {}) },
      planned: plan.changes,
      steps: [],
      done: [],
      undone: [],
      notApplied: [],
      unknown: [],
      gateway: 'old',
      result: 'no-changes',
    };
    let journalFile: string | undefined;
    const record = (result: Journal['result'], error?: string) => {
      journal.finishedAt = new Date().toISOString();
      journal.result = result;
      if (error) journal.error = secrets.redact(error);
      const written = writeJournal(context.root, journal, (t) => secrets.redact(t), journalFile);
      if (written.error) io.stderr(`gwctl: warning: the apply journal could not be written under ${path.join(context.root, '.gwctl', 'journal')} (${written.error}).\n`);
      else if (options.verbose && written.file && !journalFile) io.stderr(`journal: ${displayPath(io.cwd, written.file)}\n`);
      journalFile ??= written.file;
    };

    if (plan.changes.length === 0) {
      journal.gateway = 'new';
      record('no-changes');
      io.stdout('Nothing to apply.\n');
      return 0;
    }
    if (!options.yes) {
      const ok = await confirm(io, `Apply these ${plan.changes.length} changes to ${plan.target.driver} at ${plan.target.url}? Only 'yes' is accepted: `);
      if (!ok) {
        record('cancelled');
        io.stdout('Apply cancelled; nothing was changed.\n');
        return 1;
      }
    }

    // Before the first write, so a gwctl killed mid-apply still leaves a journal (result in-progress).
    record('in-progress');
    const outcome = await driver.apply(plan.changes, desired, live);
    Object.assign(journal, outcomeRecord(outcome));
    if (outcome.etag) journal.live.etagAfter = outcome.etag;
    for (const step of outcome.steps) {
      const details = [step.note ?? step.error, step.undoError ? `undo failed: ${step.undoError}` : ''].filter(Boolean).join('; ');
      io.stdout(secrets.redact(`  ${step.status.padEnd(11)} ${step.request}: ${step.description}${details ? ` (${details})` : ''}\n`));
    }
    for (const step of outcome.pending ?? []) {
      io.stdout(secrets.redact(`  ${'not sent'.padEnd(11)} ${step.request}: ${step.description}\n`));
    }
    if (outcome.error) {
      const result = journalResult(outcome.steps, true);
      record(result, outcome.error.message);
      const what = result === 'rolled-back' ? ' (rolled back)' : result === 'undo-failed' ? ' and could NOT be fully rolled back; see the journal' : '';
      const state = gatewaySentence(journal, driver.product);
      const where = journalFile ? ` Journal: ${displayPath(io.cwd, journalFile)}.` : '';
      const message = secrets.redact(`apply failed${what}: ${outcome.error.message} ${state}${where}`);
      if (outcome.error instanceof GwctlError) {
        outcome.error.message = message;
        throw outcome.error;
      }
      throw new GwctlError(message, { cause: outcome.error });
    }
    record('applied');
    const s = plan.summary;
    io.stdout(`Apply complete: ${s.create} created, ${s.update} updated, ${s.delete} deleted.\n`);
    return 0;
  } finally {
    await driver.close();
  }
}

/** A saved plan is re-made from its recorded inputs and target, then checked against itself. */
function savedPlanRequest(saved: Plan, options: ApplyCommandOptions, io: CliIo, noDelete: boolean): PrepareRequest {
  const context = runContext(io.cwd);
  const recordedTarget = saved.target.name ?? directTarget(saved);
  if (options.target && options.target !== recordedTarget && options.target !== saved.target.name) {
    const given = options.target.replace(/\?.*$/, '');
    if (given !== `${saved.target.driver}+${saved.target.url}`) {
      throw new PolicyRefusal(`the saved plan was made for ${saved.target.driver} at ${saved.target.url}, not for --target ${options.target}; make a new plan for that target.`);
    }
  }
  const paths = saved.inputs.args.map((arg) => path.relative(io.cwd, path.resolve(context.root, arg)) || '.');
  return {
    verb: 'apply',
    paths,
    // Always the recorded target: a plan is only valid for the gateway and options it was made for.
    options: { ...options, target: recordedTarget, allowUnenforced: saved.allowUnenforced },
    noDelete,
    saved,
  };
}

function directTarget(plan: Plan): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(plan.target.options)) query.set(key, String(value));
  const text = query.toString();
  return `${plan.target.driver}+${plan.target.url}${text ? `?${text}` : ''}`;
}

async function prepare(request: PrepareRequest, io: CliIo): Promise<Prepared> {
  const { verb, options } = request;
  const context = runContext(io.cwd);
  const ruleset = chooseRuleset(context, options.ruleset);
  const inputs = choosePaths(context, request.paths);
  const result = await lint({ inputs, cwd: io.cwd, root: context.root, ruleset });
  const failing = result.findings.filter((f) => f.severity === 'error' && !f.baselined);
  if (failing.length > 0 && verb !== 'drift') {
    io.stderr(failing.map(findingLine).join(''));
    throw new PolicyRefusal(`${verb} refused: lint found ${failing.length} error${failing.length === 1 ? '' : 's'}; fix them (see gwctl lint) before anything is ${verb === 'plan' ? 'planned' : 'applied'}.`);
  }
  const model = result.model;
  const foreign = result.documents.filter((d) => d.kind === 'deck' || d.kind === 'adc');
  if (foreign.length > 0) {
    // Their services are not in the model yet; rendering without them would delete their routes.
    throw new UsageError(`${verb} renders gwctl/v1 configs only; ${foreign.map((d) => displayPath(io.cwd, d.path)).join(', ')} ${foreign.length === 1 ? 'is' : 'are'} Kong decK / APISIX ADC (lint them with gwctl lint).`);
  }
  if (!model || !result.documents.some((d) => d.kind === 'gwctl-v1')) {
    throw new UsageError(`${verb} needs a gateway config (format: gwctl/v1) among the inputs; got ${result.documents.length === 0 ? 'no documents' : result.documents.map((d) => displayPath(io.cwd, d.path)).join(', ')}.`);
  }

  // The run's inputs: documents and what they reach ($refs, linked specs); not the other files a
  // folder argument swept up (a saved plan.json next to the config must not change the hash).
  const swept = new Set((await expandInputs(inputs, io.cwd)).map((i) => i.path));
  const files: PlanInputFile[] = [...result.workspace.files.values()]
    .filter((file) => file.kind !== undefined || !swept.has(file.path))
    .map((file) => ({ path: toPosix(path.relative(context.root, file.path)), sha256: createHash('sha256').update(file.text).digest('hex') }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // .gwctl.yaml is an input too: its ruleset decided the lint, its targets the rendering.
  if (context.project) files.push({ path: toPosix(path.relative(context.root, context.project.file)), sha256: hashFile(context.project.file) });
  const hash = inputHash(files);
  if (request.saved && request.saved.inputs.hash !== hash) {
    const before = new Map(request.saved.inputs.files.map((f) => [f.path, f.sha256]));
    const changed = files.filter((f) => before.get(f.path) !== f.sha256).map((f) => f.path);
    const gone = request.saved.inputs.files.filter((f) => !files.some((g) => g.path === f.path)).map((f) => f.path);
    throw new PolicyRefusal(`apply refused: the input files changed since the plan was made (${[...changed, ...gone].join(', ') || 'the set of files'}); re-run gwctl plan.`);
  }

  const secrets = new SecretResolver({ env: io.env, root: context.root, display: (f) => displayPath(io.cwd, f) });
  const target = resolveTarget(options.target, { cwd: io.cwd, project: context.project, env: io.env, secrets }, options.ca);
  for (const warning of transportWarnings(target)) io.stderr(`gwctl: warning: ${warning}\n`);
  const log = options.verbose ? (line: string) => io.stderr(`${secrets.redact(line)}\n`) : undefined;
  const driver = createDriver(target, {
    ...(options.timeout ? { timeoutMs: options.timeout } : {}),
    ...(log ? { log } : {}),
    redact: (t) => secrets.redact(t),
  });
  try {
    const allowed = options.allowUnenforced ?? [];
    checkAllowNames(allowed);
    const policies = effectivePolicies(model);
    const unenforced = unenforcedPolicies(driver, policies, model);
    if (verb !== 'drift') refuseUnenforced(unenforced, allowed, driver.name, verb);

    if (request.saved && canonicalJson(request.saved.target.options) !== canonicalJson(driver.targetOptions)) {
      throw new PolicyRefusal('apply refused: the target\'s options changed since the plan was made; re-run gwctl plan.');
    }
    const live = await driver.fetchLive();
    const fingerprint = liveFingerprint(live.objects.map((o) => ({ ...o, value: driver.normalize(o.value) })), live.etag);
    if (request.saved && request.saved.live.fingerprint !== fingerprint) {
      throw new PolicyRefusal('apply refused: the gateway changed since the plan was made (its live state no longer matches the plan\'s fingerprint); re-run gwctl plan.');
    }
    const desired = driver.transform({
      model, policies, secrets, live, display: (f) => displayPath(io.cwd, f), ...(request.noDelete ? { noDelete: true } : {}),
    });
    const problems = driver.validate(desired, live);
    if (problems.length > 0) {
      throw new GwctlError(secrets.redact(`the config cannot be rendered for ${driver.product} at ${target.url}:\n${problems.map((p) => `  - ${p}`).join('\n')}`));
    }
    const changes = diff(desired.objects, live.objects, {
      kindOrder: driver.kindOrder,
      normalize: (v) => driver.normalize(v),
      mask: (o, v) => driver.mask(o, v),
      ...(request.noDelete ? { noDelete: true } : {}),
    });
    if (request.saved) checkSameChanges(request.saved, changes, Boolean(request.noDelete));

    const plan: Plan = {
      format: PLAN_FORMAT,
      tool: { name: 'gwctl', version: VERSION },
      createdAt: new Date().toISOString(),
      target: planTarget(target, driver),
      inputs: {
        args: inputs.map((i) => toPosix(path.relative(context.root, path.resolve(io.cwd, i))) || '.'),
        files,
        hash,
      },
      lint: lintSummary(result.findings),
      live: { fingerprint, ...(live.etag ? { etag: live.etag } : {}) },
      allowUnenforced: [...allowed],
      unenforced: unenforced.filter((u) => verb === 'drift' || allowed.includes(u.policy)),
      notes: [...live.notes, ...desired.notes, ...modelNotes(model)],
      changes,
      summary: summarizeChanges(changes),
    };
    return { plan, driver, desired, live, secrets, context };
  } catch (error) {
    await driver.close();
    throw error;
  }
}

/** A saved plan and the plan made again now must list the same objects (values are masked). */
function checkSameChanges(saved: Plan, changes: Plan['changes'], noDelete: boolean): void {
  const keys = (list: Plan['changes']) => list
    .filter((c) => !(noDelete && (c.action === 'delete' || c.kind === 'server')))
    .map((c) => `${c.action} ${c.kind} ${c.key}`)
    .sort()
    .join('\n');
  if (keys(saved.changes) !== keys(changes)) {
    throw new PolicyRefusal('apply refused: the plan made now from the recorded inputs differs from the saved plan (did a secret or an environment variable change?); re-run gwctl plan.');
  }
}

function planTarget(target: ResolvedTarget, driver: Driver): Plan['target'] {
  const out: Plan['target'] = { driver: target.driver, url: target.url, options: driver.targetOptions };
  if (target.name) out.name = target.name;
  return out;
}

function modelNotes(model: GatewayModel): string[] {
  const pending = model.consumers.flatMap((c) => c.subscriptions.filter((s) => s.status !== 'approved').map((s) => `${c.name}→${s.service} (${s.status})`));
  return pending.length > 0 ? [`subscriptions that grant nothing: ${pending.join(', ')}.`] : [];
}

function lintSummary(findings: readonly Finding[]): Plan['lint'] {
  const summary = { errors: 0, warnings: 0, infos: 0, hints: 0 };
  for (const f of findings) {
    if (f.baselined) continue;
    if (f.severity === 'error') summary.errors++;
    else if (f.severity === 'warn') summary.warnings++;
    else if (f.severity === 'info') summary.infos++;
    else summary.hints++;
  }
  return summary;
}

function findingLine(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.message}  ${f.rule}\n`;
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (io.confirm) return io.confirm(question);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function color(io: CliIo): boolean {
  return io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
