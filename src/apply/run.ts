import path from 'node:path';
import { GwctlError } from '../model/errors.js';
import { displayPath } from '../load/workspace.js';
import { renderPlan } from '../plan/render.js';
import { VERSION } from '../version.js';
import { gatewaySentence, journalResult, outcomeRecord, writeJournal, type Journal } from './journal.js';
import type { Prepared } from './prepare.js';

export interface ApplyIo {
  /** where a saved plan came from ('configs' when planned now), for the journal */
  source: string;
  /** no confirmation prompt */
  yes: boolean;
  verbose: boolean;
  color: boolean;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** asks on the terminal; true only for an explicit yes */
  confirm(question: string): Promise<boolean>;
}

/**
 * Runs a prepared plan through its driver: prints it, asks, journals before the first write and
 * after the last, reports each request's fate, and turns a failure into one message that says
 * what the gateway holds now. The exit code, or a thrown GwctlError.
 */
export async function applyPrepared(prepared: Prepared, io: ApplyIo): Promise<number> {
  const { plan, driver, desired, live, secrets, context } = prepared;
  try {
    io.stdout(secrets.redact(renderPlan(plan, { color: io.color })));
    const started = new Date().toISOString();
    const journal: Journal = {
      format: 'gwctl-journal/v1',
      tool: { name: 'gwctl', version: VERSION },
      startedAt: started,
      finishedAt: started,
      target: plan.target,
      source: io.source,
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
      else if (io.verbose && written.file && !journalFile) io.stderr(`journal: ${displayPath(io.cwd, written.file)}\n`);
      journalFile ??= written.file;
    };

    if (plan.changes.length === 0) {
      journal.gateway = 'new';
      record('no-changes');
      io.stdout('Nothing to apply.\n');
      return 0;
    }
    if (!io.yes) {
      const ok = await io.confirm(`Apply these ${plan.changes.length} changes to ${plan.target.driver} at ${plan.target.url}? Only 'yes' is accepted: `);
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
