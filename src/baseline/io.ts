/** The baseline's only file I/O; everything else in src/baseline is pure. */
import { readFileSync, writeFileSync } from 'node:fs';
import { LoadError } from '../model/errors.js';
import { parseBaseline, serializeBaseline } from './serialize.js';
import type { Baseline } from './types.js';

/** The parsed baseline, or undefined when the file does not exist (e.g. before `baseline create`). */
export function readBaselineFile(path: string): Baseline | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LoadError(path, undefined, undefined, `cannot read the baseline: ${(err as Error).message}`, { cause: err });
  }
  return parseBaseline(text, path);
}

export function writeBaselineFile(path: string, baseline: Baseline): void {
  writeFileSync(path, serializeBaseline(baseline, path));
}
