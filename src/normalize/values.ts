/** Reading untyped config data: the normalisers tolerate anything (config-schema reports it). */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isName(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** The items of a list with their indexes (for origin pointers); nothing for a non-list. */
export function items(value: unknown): Array<[number, unknown]> {
  return Array.isArray(value) ? value.map((item, index) => [index, item] as [number, unknown]) : [];
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}
