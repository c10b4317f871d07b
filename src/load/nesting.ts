import type { CST } from 'yaml';

/**
 * Nesting limits, checked with explicit stacks (never recursion) right after parsing, so that
 * nothing downstream — rules, normalizers, formatters, Spectral — recurses deeper than this.
 */

export interface NestingProblem {
  kind: 'depth' | 'cycle';
  /** where: the first node deeper than the limit, or the value that contains itself */
  path: string[];
}

/**
 * The first problem in parsed data: a container nested deeper than `maxDepth` (the root is
 * depth 1), or — only possible through YAML aliases — a container that contains itself.
 * Trees cost one pass; alias-shared subtrees are walked once per use, which the alias limit
 * (maxAliasCount) already bounds.
 */
export function checkNesting(data: unknown, maxDepth: number): NestingProblem | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  // Fast pass without paths or cycle checks: one frame per open container (memory grows with
  // depth, not width), arrays walked by index, objects by their key list.
  const nodes: object[] = [data];
  const keyLists: Array<string[] | undefined> = [Array.isArray(data) ? undefined : Object.keys(data)];
  const positions: number[] = [0];
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top]!;
    const keys = keyLists[top];
    const position = positions[top]!;
    const length = keys ? keys.length : (node as unknown[]).length;
    if (position >= length) {
      nodes.pop();
      keyLists.pop();
      positions.pop();
      continue;
    }
    positions[top] = position + 1;
    const child = keys ? (node as Record<string, unknown>)[keys[position]!] : (node as unknown[])[position];
    if (child === null || typeof child !== 'object') continue;
    if (nodes.length + 1 > maxDepth) return locateProblem(data, maxDepth);
    nodes.push(child);
    keyLists.push(Array.isArray(child) ? undefined : Object.keys(child));
    positions.push(0);
  }
  return undefined;
}

interface Frame {
  node: object;
  keys: string[];
  next: number;
}

/** The slow pass, only after the fast one found a problem: with paths, telling cycles from depth. */
function locateProblem(data: object, maxDepth: number): NestingProblem {
  const frames: Frame[] = [{ node: data, keys: Object.keys(data), next: 0 }];
  const onPath = new Set<object>([data]);
  const path: string[] = [];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next >= frame.keys.length) {
      onPath.delete(frame.node);
      frames.pop();
      path.pop();
      continue;
    }
    const key = frame.keys[frame.next++]!;
    const child = (frame.node as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') continue;
    path.push(key);
    if (onPath.has(child)) return { kind: 'cycle', path };
    if (frames.length + 1 > maxDepth) return { kind: 'depth', path };
    onPath.add(child);
    frames.push({ node: child, keys: Object.keys(child), next: 0 });
  }
  /* c8 ignore next: the fast pass only calls this when there is a problem to find */
  return { kind: 'depth', path: [] };
}

/**
 * The nesting of a YAML document before it is composed: the `yaml` composer recurses once per
 * level (and overflows the stack somewhere past ~750 levels), so depth is measured on the
 * concrete syntax tree first. Returns the offset of the first collection deeper than `maxDepth`.
 */
export function cstTooDeep(token: CST.Token, maxDepth: number): number | undefined {
  const tokens: Array<CST.Token | null | undefined> = [token];
  const depths: number[] = [0];
  while (tokens.length > 0) {
    const current = tokens.pop();
    const depth = depths.pop()!;
    if (!current) continue;
    switch (current.type) {
      case 'document':
        tokens.push(current.value);
        depths.push(depth);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        const level = depth + 1;
        if (level > maxDepth) return current.offset;
        for (const item of current.items) {
          // A `key: value` inside a flow sequence becomes a one-pair mapping: one level more.
          const inner = current.type === 'flow-collection' && current.start.source === '[' && item.sep ? level + 1 : level;
          tokens.push(item.key, item.value);
          depths.push(inner, inner);
        }
        break;
      }
      default:
        break; // scalars, aliases, comments: no nesting
    }
  }
  return undefined;
}
