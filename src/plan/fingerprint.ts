import { createHash } from 'node:crypto';
import type { PlanInputFile } from '../model/plan.js';
import { canonicalJson } from './canonical.js';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The live state a plan was computed against: the managed objects (canonical) and the gateway's
 * own version marker (Caddy's config ETag), so any change on the gateway moves it.
 */
export function liveFingerprint(objects: ReadonlyArray<{ kind: string; key: string; value: unknown }>, etag: string | undefined): string {
  const hash = createHash('sha256');
  for (const object of [...objects].sort((a, b) => compare(`${a.kind}\0${a.key}`, `${b.kind}\0${b.key}`))) {
    hash.update(`${object.kind}\0${object.key}\0${canonicalJson(object.value)}\n`);
  }
  hash.update(`etag\0${etag ?? ''}`);
  return hash.digest('hex');
}

/** One hash over the input files' paths and contents. */
export function inputHash(files: readonly PlanInputFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => compare(a.path, b.path))) hash.update(`${file.path}\0${file.sha256}\n`);
  return hash.digest('hex');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
