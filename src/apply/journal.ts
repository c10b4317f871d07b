import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApplyOutcome, ApplyStep } from '../gateway/driver.js';
import type { Change, PlanTarget } from '../model/plan.js';

/**
 * Every apply leaves a record under `.gwctl/journal/<timestamp>.json` in the project root: what
 * was planned, which requests were done and undone, and how it ended. Values are masked like in
 * the plan, and the whole text is scrubbed of known secret values before it is written.
 *
 * `gateway` says what the gateway holds afterwards, from the steps' statuses:
 * - `new`: every planned write is in effect (the apply completed, or failed only after its last write);
 * - `old`: none of this apply's writes is in effect (nothing was written, or all was undone);
 * - `partial`: some writes are in effect and others are not (an undo failed);
 * - `unknown`: a write's answer was lost and the gateway could not be re-read.
 */

/** `in-progress`: written before the first write, so a gwctl that is killed mid-apply leaves a trace. */
export type ApplyResult = 'in-progress' | 'applied' | 'no-changes' | 'failed' | 'rolled-back' | 'undo-failed' | 'unknown' | 'cancelled';
export type GatewayState = 'old' | 'new' | 'partial' | 'unknown';

export interface Journal {
  format: 'gwctl-journal/v1';
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  target: PlanTarget;
  /** `configs` (planned now) or the saved plan file */
  source: string;
  inputs: { hash: string };
  live: { fingerprint: string; etagBefore?: string; etagAfter?: string };
  planned: Change[];
  steps: ApplyStep[];
  /** requests that took effect (including those undone afterwards) */
  done: string[];
  /** requests that took effect and were reverted */
  undone: string[];
  /** requests that did not take effect: failed, or never attempted */
  notApplied: string[];
  /** requests that may or may not have taken effect */
  unknown: string[];
  /** what the gateway holds now, as far as gwctl could establish */
  gateway: GatewayState;
  result: ApplyResult;
  error?: string;
}

export function journalResult(steps: readonly ApplyStep[], failed: boolean): ApplyResult {
  if (!failed) return steps.length === 0 ? 'no-changes' : 'applied';
  if (steps.some((s) => s.status === 'unknown')) return 'unknown';
  if (steps.some((s) => s.status === 'undo-failed')) return 'undo-failed';
  if (steps.some((s) => s.status === 'undone')) return 'rolled-back';
  return 'failed';
}

/** The journal's account of an outcome: which requests are in effect, which not, which unknown. */
export function outcomeRecord(outcome: ApplyOutcome): Pick<Journal, 'steps' | 'done' | 'undone' | 'notApplied' | 'unknown' | 'gateway'> {
  const steps = outcome.steps;
  const pending = outcome.pending ?? [];
  const inEffect = steps.filter((s) => s.status === 'done' || s.status === 'undo-failed').length;
  const writes = steps.length + pending.length;
  const unknown = steps.filter((s) => s.status === 'unknown').map((s) => s.request);
  let gateway: GatewayState;
  if (unknown.length > 0) gateway = 'unknown';
  else if (inEffect === 0) gateway = 'old';
  else if (inEffect === writes) gateway = 'new';
  else gateway = 'partial';
  return {
    steps,
    done: steps.filter((s) => s.status === 'done' || s.status === 'undone' || s.status === 'undo-failed').map((s) => s.request),
    undone: steps.filter((s) => s.status === 'undone').map((s) => s.request),
    notApplied: [...steps.filter((s) => s.status === 'failed').map((s) => s.request), ...pending.map((p) => p.request)],
    unknown,
    gateway,
  };
}

/** What the gateway holds after this apply, for the terminal: a sentence, then the writes by state. */
export function gatewaySentence(record: Pick<Journal, 'gateway' | 'steps' | 'notApplied' | 'unknown'>, product: string): string {
  const inEffect = record.steps.filter((s) => s.status === 'done' || s.status === 'undo-failed').map((s) => s.request);
  const lists = [
    inEffect.length ? `in effect: ${inEffect.join(', ')}` : '',
    record.notApplied.length ? `not in effect: ${record.notApplied.join(', ')}` : '',
    record.unknown.length ? `unknown: ${record.unknown.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  switch (record.gateway) {
    case 'old':
      return `${product} still has its previous config: nothing of this apply is in effect.`;
    case 'new':
      return `${product} has the new config: every write of this apply is in effect.`;
    case 'partial':
      return `${product} holds PART of this apply (${lists}). Re-run gwctl apply, or check with gwctl drift.`;
    default:
      return `Whether ${product} applied the change is unknown: its answer was lost and it could not be re-read (${lists}). Check with gwctl drift once it answers, then re-run gwctl apply.`;
  }
}

/**
 * Writes the journal; returns its path. With `file` (from an earlier call for the same apply) the
 * journal there is replaced. A journal that cannot be written is reported, not fatal.
 */
export function writeJournal(root: string, journal: Journal, redact: (text: string) => string, file?: string): { file?: string; error?: string } {
  const dir = path.join(root, '.gwctl', 'journal');
  const stamp = journal.startedAt.replace(/:/g, '-');
  try {
    const text = redact(`${JSON.stringify(journal, null, 2)}\n`);
    if (file) {
      // Replace atomically: a reader never sees half a journal.
      const temp = `${file}.tmp`;
      writeFileSync(temp, text);
      renameSync(temp, file);
      return { file };
    }
    mkdirSync(dir, { recursive: true });
    for (let n = 0; n < 100; n++) {
      const file = path.join(dir, `${stamp}${n ? `-${n}` : ''}.json`);
      try {
        writeFileSync(file, text, { flag: 'wx' });
        return { file };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return { error: 'too many journals with the same timestamp' };
  } catch (error) {
    return { error: `${(error as NodeJS.ErrnoException).code ?? error}` };
  }
}
