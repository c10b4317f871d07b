import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApplyStep } from '../gateway/driver.js';
import type { Change, PlanTarget } from '../model/plan.js';

/**
 * Every apply leaves a record under `.gwctl/journal/<timestamp>.json` in the project root: what
 * was planned, which requests were done and undone, and how it ended. Values are masked like in
 * the plan, and the whole text is scrubbed of known secret values before it is written.
 */

export type ApplyResult = 'applied' | 'no-changes' | 'failed' | 'rolled-back' | 'undo-failed' | 'cancelled';

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
  done: string[];
  undone: string[];
  result: ApplyResult;
  error?: string;
}

export function journalResult(steps: readonly ApplyStep[], failed: boolean): ApplyResult {
  if (!failed) return steps.length === 0 ? 'no-changes' : 'applied';
  if (steps.some((s) => s.status === 'undo-failed')) return 'undo-failed';
  if (steps.some((s) => s.status === 'undone')) return 'rolled-back';
  return 'failed';
}

/** Writes the journal; returns its path. A journal that cannot be written is reported, not fatal. */
export function writeJournal(root: string, journal: Journal, redact: (text: string) => string): { file?: string; error?: string } {
  const dir = path.join(root, '.gwctl', 'journal');
  const stamp = journal.startedAt.replace(/:/g, '-');
  try {
    mkdirSync(dir, { recursive: true });
    const text = redact(`${JSON.stringify(journal, null, 2)}\n`);
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
