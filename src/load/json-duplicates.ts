/**
 * The first key that appears twice in one object of a JSON text, which `JSON.parse` silently
 * resolves to the last one. One iterative pass; call it only on text `JSON.parse` accepted.
 */
export function findDuplicateJsonKey(text: string): { key: string; offset: number } | undefined {
  /** one entry per open container: the keys of an object so far, or null for an array */
  const open: Array<Set<string> | null> = [];
  let expectKey = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) { escaped = true; i++; continue; }
        if (d === 34) break;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        const keys = open[open.length - 1]!;
        if (keys.has(key)) return { key, offset: start };
        keys.add(key);
        expectKey = false;
      }
    } else if (c === 123 /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 91 /* [ */) {
      open.push(null);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = open[open.length - 1] != null;
    }
  }
  return undefined;
}
