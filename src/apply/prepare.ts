import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding } from '../model/finding.js';
import { summarize } from '../model/finding.js';
import { GwctlError, PolicyRefusal, UsageError } from '../model/errors.js';
import type { GatewayModel } from '../model/gateway.js';
import { PLAN_FORMAT, summarizeChanges, type Plan, type PlanInputFile } from '../model/plan.js';
import { lint } from '../lint/engine.js';
import { displayPath } from '../load/workspace.js';
import { effectivePolicies } from '../normalize/effective-policy.js';
import { diff } from '../plan/diff.js';
import { inputHash, liveFingerprint } from '../plan/fingerprint.js';
import { canonicalJson } from '../plan/canonical.js';
import type { DesiredState, Driver, LiveState } from '../gateway/driver.js';
import { createDriver } from '../gateway/index.js';
import { SecretResolver } from '../gateway/secrets.js';
import { resolveTarget, transportWarnings, type ResolvedTarget } from '../gateway/targets.js';
import { checkAllowNames, refuseUnenforced, unenforcedPolicies } from '../gateway/unenforced.js';
import { chooseRuleset, choosePaths, runContext, type RunContext } from '../config/run-context.js';
import { VERSION } from '../version.js';
import { hashFile } from './saved-plan.js';

/**
 * The one preparation plan, apply and drift share, so they cannot disagree: lint (errors stop
 * plan and apply) → resolve the target → refuse what the target cannot enforce → fetch live →
 * render → validate → diff → a Plan, with the driver still open for apply.
 */

/** What preparing a plan needs from the command line around it. */
export interface PrepareIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stderr(text: string): void;
}

export interface GatewayCommandOptions {
  target?: string;
  ruleset?: string;
  ca?: string;
  timeout?: number;
  concurrency?: number;
  allowUnenforced?: string[];
  verbose?: boolean;
}

export type Verb = 'plan' | 'apply' | 'drift';

export interface Prepared {
  plan: Plan;
  driver: Driver;
  desired: DesiredState;
  live: LiveState;
  secrets: SecretResolver;
  context: RunContext;
}

export interface PrepareRequest {
  verb: Verb;
  paths: string[];
  options: GatewayCommandOptions;
  noDelete?: boolean;
  /** apply of a saved plan: what must not have moved */
  saved?: Plan;
}

export async function preparePlan(request: PrepareRequest, io: PrepareIo): Promise<Prepared> {
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
  const swept = new Set(result.inputFiles);
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

/** The lint summary a plan records: what was not baselined, by severity. */
function lintSummary(findings: readonly Finding[]): Plan['lint'] {
  const { errors, warnings, infos, hints } = summarize(findings.filter((f) => !f.baselined), 0);
  return { errors, warnings, infos, hints };
}

function findingLine(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.message}  ${f.rule}\n`;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
