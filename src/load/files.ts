import { lstatSync, realpathSync, statSync } from 'node:fs';
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

/**
 * Expands files, folders and globs into a sorted, de-duplicated list of files. Scans do not
 * follow symbolic links to folders (two links to `..` make an exponential tree: a hang), and
 * take a symbolic link to a file only when its target is inside `root` (when one is given):
 * a scan reads nothing outside the project, like a `$ref`. Files named explicitly are the
 * user's choice and always taken.
 */
export async function expandInputs(inputs: readonly string[], cwd: string, root?: string): Promise<InputFile[]> {
  const found = new Map<string, InputFile>();
  const realRoot = root === undefined ? undefined : realpathOrSelf(root);
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
    // onlyFiles is off because with followSymbolicLinks off it would drop links to files too.
    const matches = await fg(pattern, { cwd, absolute: true, dot: false, ignore: IGNORED, onlyFiles: false, followSymbolicLinks: false });
    for (const match of matches) {
      const file = path.normalize(match);
      if (!found.has(file) && isScannableFile(file, realRoot)) found.set(file, { path: file, explicit: false });
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isScannableFile(file: string, realRoot: string | undefined): boolean {
  try {
    const info = lstatSync(file);
    if (info.isFile()) return true;
    if (!info.isSymbolicLink()) return false;
    const target = realpathSync(file);
    if (!statSync(target).isFile()) return false;
    return realRoot === undefined || isInside(realRoot, target);
  } catch {
    return false; // a dangling link, or gone since the scan
  }
}

export function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

export function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
