import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LoadError, UsageError } from '../model/errors.js';
import { PLAN_FORMAT, type Plan } from '../model/plan.js';

/** `apply plan.json`: is this argument a saved plan (rather than a JSON gateway config)? */
export function looksLikeSavedPlan(file: string): boolean {
  if (!file.endsWith('.json')) return false;
  try {
    const head = readFileSync(file, 'utf8').slice(0, 200);
    return head.includes(`"${PLAN_FORMAT}"`);
  } catch {
    return false;
  }
}

export function readSavedPlan(file: string, shown: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LoadError(shown, undefined, undefined, `is not a readable plan (${(error as Error).message}); make it again with gwctl plan -o ${shown}.`, { cause: error });
  }
  const plan = data as Partial<Plan>;
  if (plan?.format !== PLAN_FORMAT || !plan.target || !plan.inputs || !plan.live || !Array.isArray(plan.changes)) {
    throw new LoadError(shown, undefined, undefined, `is not a gwctl plan (format ${PLAN_FORMAT}); make it with gwctl plan -o ${shown}.`);
  }
  return plan as Plan;
}

/** `plan -o FILE`: the plan as JSON, scrubbed once more of every known secret value. */
export function writeSavedPlan(file: string, plan: Plan, redact: (text: string) => string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, redact(`${JSON.stringify(plan, null, 2)}\n`));
  } catch (error) {
    throw new UsageError(`cannot write the plan to ${file} (${(error as NodeJS.ErrnoException).code ?? error}); check that the folder is writable.`, { cause: error });
  }
}

/** sha256 of a file the run depends on but did not lint (the project config). */
export function hashFile(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (error) {
    throw new LoadError(file, undefined, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? error}).`, { cause: error });
  }
}
