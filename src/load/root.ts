import { existsSync } from 'node:fs';
import path from 'node:path';

/** The project root: the nearest folder upward holding `.git`, else the current folder. */
export function projectRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

/** The nearest file with one of these names, from `cwd` upward. */
export function findUpward(cwd: string, names: readonly string[]): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
