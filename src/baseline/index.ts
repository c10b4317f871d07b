export type { Baseline, BaselineEntry } from './types.js';
export { applyBaseline, baselineKey, createBaseline, isExpired, updateBaseline, type BaselineResult } from './baseline.js';
export { parseBaseline, serializeBaseline } from './serialize.js';
export { readBaselineFile, writeBaselineFile } from './io.js';
export { newFindingsOnly } from './since.js';
