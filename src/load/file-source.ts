import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from '../model/errors.js';

/**
 * Where the workspace reads file contents from: the working tree, or a git commit (for
 * `--since`, which lints the files as they were without checking anything out).
 */
export interface FileSource {
  /** bytes of a regular file, or undefined when there is none at that path */
  read(absolute: string): Buffer | undefined;
  /** size in bytes without reading, or undefined when absent */
  size(absolute: string): number | undefined;
  /** the path with symbolic links resolved, where a source has links (the working tree) */
  realpath?(absolute: string): string | undefined;
}

export const workingTree: FileSource = {
  read(absolute) {
    return existsSync(absolute) ? readFileSync(absolute) : undefined;
  },
  size(absolute) {
    try {
      const info = statSync(absolute);
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined;
    }
  },
  realpath(absolute) {
    try {
      return realpathSync(absolute);
    } catch {
      return undefined;
    }
  },
};

/** The files of commit `ref` of the git repository at `repoRoot`, read with `git cat-file`. */
export function gitRevision(repoRoot: string, ref: string): FileSource {
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`--since '${ref}' is not a git revision; give a commit, branch or tag such as origin/main.`);
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    throw new UsageError(`--since ${ref}: git does not know that revision in ${repoRoot}; check it with \`git rev-parse ${ref}\` (in CI, fetch enough history, e.g. fetch-depth: 0).`, { cause: error });
  }
  const cache = new Map<string, Buffer | undefined>();
  const read = (absolute: string): Buffer | undefined => {
    const relative = path.relative(repoRoot, absolute).split(path.sep).join('/');
    if (relative.startsWith('..')) return undefined;
    if (!cache.has(relative)) {
      try {
        cache.set(relative, execFileSync('git', ['cat-file', 'blob', `${commit}:${relative}`], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 }));
      } catch {
        cache.set(relative, undefined); // not in that commit: a new file
      }
    }
    return cache.get(relative);
  };
  return { read, size: (absolute) => read(absolute)?.length };
}
