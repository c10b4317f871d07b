import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LoadError } from '../model/errors.js';

export interface InputFile {
  path: string;
  /** named directly on the command line: an unrecognised file is then an error, not skipped */
  explicit: boolean;
}

const SPEC_EXTENSIONS = '{yaml,yml,json}';
const IGNORED = ['**/node_modules/**', '**/.git/**', '**/.gwctl/**', '**/dist/**'];

/** Expands files, folders and globs into a sorted, de-duplicated list of files. */
export async function expandInputs(inputs: readonly string[], cwd: string): Promise<InputFile[]> {
  const found = new Map<string, InputFile>();
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let kind: 'file' | 'dir' | 'missing' = 'missing';
    try {
      const info = await stat(absolute);
      kind = info.isDirectory() ? 'dir' : 'file';
    } catch { /* maybe a glob */ }
    if (kind === 'file') {
      found.set(absolute, { path: absolute, explicit: true });
      continue;
    }
    // fast-glob is loaded only for folders and globs: a run on named files never pays for it.
    const { default: fg } = await import('fast-glob');
    const pattern = kind === 'dir' ? `${fg.convertPathToPattern(absolute)}/**/*.${SPEC_EXTENSIONS}` : input;
    if (kind === 'missing' && !fg.isDynamicPattern(input)) {
      throw new LoadError(input, undefined, undefined, 'does not exist; check the path (it is relative to the current folder).');
    }
    const matches = await fg(pattern, { cwd, absolute: true, dot: false, ignore: IGNORED, onlyFiles: true });
    for (const match of matches) {
      const file = path.normalize(match);
      if (!found.has(file)) found.set(file, { path: file, explicit: false });
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
