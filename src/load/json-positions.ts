import type { Range } from '../model/finding.js';
import { fromPointer } from '../model/document.js';
import { LineIndex } from './lines.js';

/**
 * Finds where the nodes at some JSON pointers are in a JSON text, in one pass that descends only
 * into the members on the way to a wanted pointer and skips everything else. This is why large
 * specs pay for positions only where there are findings, instead of building a position tree.
 */
interface Trie {
  children: Map<string, Trie>;
  /** [start, end) of the member (key included) or array item */
  span?: [number, number];
}

export function locateJson(text: string, pointers: readonly string[], lines: LineIndex): Map<string, Range> {
  const root: Trie = { children: new Map() };
  for (const pointer of pointers) {
    let node = root;
    for (const seg of fromPointer(pointer)) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { children: new Map() }));
      node = next;
    }
  }
  const scanner = new Scanner(text);
  scanner.skipWs();
  const start = scanner.pos;
  scanner.value(root);
  root.span = [start, scanner.pos];

  const out = new Map<string, Range>();
  for (const pointer of pointers) {
    let node = root;
    let span = root.span;
    for (const seg of fromPointer(pointer)) {
      const next = node.children.get(seg);
      if (!next?.span) break;
      node = next;
      span = next.span;
    }
    const from = lines.position(span[0]);
    const to = lines.position(span[1]);
    out.set(pointer, { line: from.line, column: from.column, endLine: to.line, endColumn: to.column });
  }
  return out;
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWs(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++this.pos);
  }

  /** Scans one value; descends only when `want` has children to find inside it. */
  value(want: Trie | undefined): void {
    const c = this.text.charCodeAt(this.pos);
    if (want && want.children.size > 0 && (c === 123 || c === 91)) {
      if (c === 123) this.object(want);
      else this.array(want);
      return;
    }
    this.skipValue();
  }

  private object(want: Trie): void {
    this.pos++; // {
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 125) { this.pos++; return; }
    for (;;) {
      this.skipWs();
      const keyStart = this.pos;
      const key = this.string();
      this.skipWs();
      this.pos++; // :
      this.skipWs();
      const child = want.children.get(key);
      this.value(child);
      if (child) child.span = [keyStart, this.pos];
      this.skipWs();
      if (this.text.charCodeAt(this.pos++) !== 44) return; // , or }
    }
  }

  private array(want: Trie): void {
    this.pos++; // [
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 93) { this.pos++; return; }
    for (let index = 0; ; index++) {
      this.skipWs();
      const start = this.pos;
      const child = want.children.get(String(index));
      this.value(child);
      if (child) child.span = [start, this.pos];
      this.skipWs();
      if (this.text.charCodeAt(this.pos++) !== 44) return; // , or ]
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) { escaped = true; i += 2; continue; }
      if (Number.isNaN(c)) break;
      i++;
    }
    this.pos = i + 1;
    const raw = t.slice(start, i + 1);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  /** Skips a whole value without building anything: strings, then bracket depth. */
  private skipValue(): void {
    const t = this.text;
    let i = this.pos;
    let depth = 0;
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c)) break;
      if (c === 34) {
        i++;
        for (;;) {
          const d = t.charCodeAt(i);
          if (d === 92) i += 2;
          else if (d === 34 || Number.isNaN(d)) { i++; break; }
          else i++;
        }
        if (depth === 0) break;
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (depth === 0) break; // the end of the enclosing container
        depth--;
        if (depth === 0) { i++; break; }
      } else if (depth === 0 && (c === 44 || c === 32 || c === 10 || c === 13 || c === 9)) break;
      i++;
    }
    this.pos = i;
  }
}
