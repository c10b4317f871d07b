import type { RuleContext } from '../../model/rule.js';

/** Follows `$ref`s through our runner; under spectral-core the input is already resolved. */
export function deref<T>(node: T, context: RuleContext): T {
  return context.deref ? context.deref(node) : node;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
