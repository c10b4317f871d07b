export { canonicalJson, deepEqual, dropZeroValues, sortKeys } from './canonical.js';
export { diff, fieldChanges, type DiffObject, type DiffOptions, type PlannedChange } from './diff.js';
export { inputHash, liveFingerprint, sha256 } from './fingerprint.js';
export { renderPlan, unenforcedLines } from './render.js';
