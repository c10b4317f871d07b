/** Canonical JSON: object keys sorted, no whitespace; the form every hash and comparison uses. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Drops object members holding a Go zero value (null, false, 0, "", [], {}), at any depth.
 * Gateways written in Go (Caddy) omit those on output and treat them as the default on input, so
 * `{"terminal": false}` and `{}` mean the same; array elements are kept (`[{}]` is meaningful).
 */
export function dropZeroValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropZeroValues);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const normalised = dropZeroValues(member);
      if (isZero(normalised)) continue;
      out[key] = normalised;
    }
    return out;
  }
  return value;
}

function isZero(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}
