import path from 'node:path';
import { BIN, ROOT, gwctlAsync, gwctlSync, type Run, type RunOptions } from '../support/gwctl.js';

export { BIN, ROOT, gwctlAsync, type Run };
export const E2E = path.join(ROOT, 'fixtures', 'e2e');

/** Runs the real bin/gwctl.js (built by `npm test`) as a user would. */
export function gwctl(args: string[], options: RunOptions = {}): Run {
  return gwctlSync(args, options);
}

export function json(run: Run): { findings: Array<Record<string, unknown>>; summary: Record<string, number>; tool: { name: string; version: string } } {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}
