/**
 * Which tenant/service a finding belongs to, for the "by tenant / service" chart. Findings carry
 * only a file and a range, coverage rows only a file and the line where the route or operation
 * starts, so the link is made through the source text:
 *   1. inside a row's block (the row's line and the lines indented deeper below it) → that row;
 *   2. inside a service's block (found by its `name:` line above its first row) → that service;
 *   3. a file whose rows are all spec operations of one service is that service's spec → it;
 *   4. anything else (gateway settings, consumers, …) is charted by file.
 * "Nearest row above" alone would credit a service's header fields to the previous service.
 */
import type { Finding } from '../../model/finding.js';
import type { CoverageRow } from '../../model/report.js';

export function ownerOf(row: Pick<CoverageRow, 'tenant' | 'service'>): string {
  return row.tenant ? `${row.tenant} / ${row.service}` : row.service;
}

interface Block {
  from: number;
  to: number;
  owner: string;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Last line (1-based) of the YAML/JSON block that starts at `start`: deeper-indented or blank lines. */
export function blockEnd(lines: readonly string[], start: number): number {
  const base = indentOf(lines[start - 1] ?? '');
  let end = start;
  for (let n = start + 1; n <= lines.length; n++) {
    const text = lines[n - 1]!;
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    if (indentOf(text) <= base) {
      // A JSON block's closing bracket sits at the opening line's indentation and still belongs to it.
      if (/^\s*[}\]],?\s*$/.test(text) && indentOf(text) === base) end = n;
      break;
    }
    end = n;
  }
  return end;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The nearest `name: SERVICE` line above `before` (YAML or JSON spelling), or undefined. */
function serviceHeader(lines: readonly string[], service: string, before: number): number | undefined {
  const re = new RegExp(`(^|[\\s{,-])"?name"?\\s*:\\s*["']?${escapeRegExp(service)}["']?\\s*[,}]?\\s*$`);
  for (let n = before - 1; n >= 1; n--) if (re.test(lines[n - 1]!)) return n;
  return undefined;
}

function blocksOf(rows: readonly CoverageRow[], lines: readonly string[]): { rowBlocks: Block[]; serviceBlocks: Block[] } {
  const rowBlocks: Block[] = [];
  const firstRowLine = new Map<string, number>();
  for (const row of rows) {
    if (row.line === undefined) continue;
    rowBlocks.push({ from: row.line, to: blockEnd(lines, row.line), owner: ownerOf(row) });
    const owner = ownerOf(row);
    firstRowLine.set(owner, Math.min(firstRowLine.get(owner) ?? Infinity, row.line));
  }
  const serviceBlocks: Block[] = [];
  for (const row of rows) {
    const owner = ownerOf(row);
    const first = firstRowLine.get(owner);
    if (first === undefined || serviceBlocks.some((b) => b.owner === owner)) continue;
    const header = serviceHeader(lines, row.service, first);
    if (header !== undefined) serviceBlocks.push({ from: header, to: blockEnd(lines, header), owner });
  }
  return { rowBlocks, serviceBlocks };
}

/** Innermost block containing the line: the one that starts last. */
function innermost(blocks: readonly Block[], line: number): Block | undefined {
  let best: Block | undefined;
  for (const b of blocks) if (b.from <= line && line <= b.to && (!best || b.from > best.from)) best = b;
  return best;
}

export function ownerResolver(
  coverage: readonly CoverageRow[] | undefined,
  source: (file: string) => string | undefined,
): (f: Finding) => string {
  const byFile = new Map<string, CoverageRow[]>();
  for (const row of coverage ?? []) {
    const list = byFile.get(row.file);
    if (list) list.push(row);
    else byFile.set(row.file, [row]);
  }

  const perFile = new Map<string, (f: Finding) => string>();
  const resolverFor = (file: string): ((f: Finding) => string) => {
    const rows = byFile.get(file);
    if (!rows) return () => file;
    const owners = new Set(rows.map(ownerOf));
    const specOf = rows.every((r) => r.kind === 'operation' || r.kind === 'uncovered-operation') && owners.size === 1
      ? [...owners][0]!
      : undefined;
    const text = source(file);
    const { rowBlocks, serviceBlocks } = text === undefined ? { rowBlocks: [], serviceBlocks: [] } : blocksOf(rows, text.split(/\r?\n/));
    return (f) => innermost(rowBlocks, f.line)?.owner ?? innermost(serviceBlocks, f.line)?.owner ?? specOf ?? file;
  };

  return (f) => {
    let resolve = perFile.get(f.file);
    if (!resolve) perFile.set(f.file, (resolve = resolverFor(f.file)));
    return resolve(f);
  };
}
