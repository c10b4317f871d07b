/**
 * `--since GIT_REF`: findings that already existed at that commit are reported but do not fail.
 * Old file versions come from git (src/load/file-source.ts), so nothing is checked out and the
 * work tree is never touched.
 */
import type { Finding } from '../model/finding.js';
import { baselineKey } from './baseline.js';

/** Marks current findings that also exist in `previous` (same rule, file, fingerprint) as baselined. */
export function newFindingsOnly(current: readonly Finding[], previous: readonly Finding[]): Finding[] {
  const before = new Set(previous.map(baselineKey));
  return current.map((f) => ({ ...f, baselined: f.baselined || before.has(baselineKey(f)) }));
}
