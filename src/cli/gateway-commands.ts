import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { PolicyRefusal, UsageError } from '../model/errors.js';
import type { Plan } from '../model/plan.js';
import { displayPath } from '../load/workspace.js';
import { renderPlan } from '../plan/render.js';
import { looksLikeSavedPlan, readSavedPlan, writeSavedPlan } from '../apply/saved-plan.js';
import { preparePlan, type GatewayCommandOptions, type PrepareRequest } from '../apply/prepare.js';
import { applyPrepared } from '../apply/run.js';
import { runContext } from '../config/run-context.js';
import type { CliIo } from './main.js';
import { wantsColor } from './terminal.js';

/**
 * plan / apply / drift on the command line: options → one prepared plan (src/apply/prepare.ts)
 * → print, save, or apply it (src/apply/run.ts) → exit code.
 */

export interface PlanCommandOptions extends GatewayCommandOptions {
  out?: string;
  detailedExitcode?: boolean;
}

export interface ApplyCommandOptions extends GatewayCommandOptions {
  yes?: boolean;
  /** commander's --no-delete: false when given */
  delete?: boolean;
}

export async function planCommand(paths: string[], options: PlanCommandOptions, io: CliIo): Promise<number> {
  const prepared = await preparePlan({ verb: 'plan', paths, options }, io);
  try {
    const { plan, secrets } = prepared;
    io.stdout(secrets.redact(renderPlan(plan, { color: wantsColor(io) })));
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
  const prepared = await preparePlan({ verb: 'drift', paths, options }, io);
  try {
    io.stdout(prepared.secrets.redact(renderPlan(prepared.plan, { color: wantsColor(io), mode: 'drift' })));
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

  const prepared = await preparePlan(request, io);
  return applyPrepared(prepared, {
    source,
    yes: Boolean(options.yes),
    verbose: Boolean(options.verbose),
    color: wantsColor(io),
    cwd: io.cwd,
    stdout: io.stdout,
    stderr: io.stderr,
    confirm: (question) => confirm(io, question),
  });
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
