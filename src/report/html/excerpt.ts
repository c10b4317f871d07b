/**
 * Code excerpts: the finding's lines with two lines of context either side, the offending lines
 * highlighted and, on a single-line finding, the exact columns marked. Long ranges are cut so a
 * finding on a whole service block does not print the block.
 */
import type { Finding } from '../../model/finding.js';
import { escapeHtml as h } from '../escape.js';

export const CONTEXT_LINES = 2;
/** Highlighted lines shown before the rest of a long range is elided. */
export const MAX_HIGHLIGHTED = 6;

export function excerpt(f: Finding, source: string | undefined): string {
  if (source === undefined) return '';
  const lines = source.split(/\r?\n/);
  const start = clamp(f.line, 1, lines.length);
  const end = clamp(Math.max(f.endLine, f.line), start, lines.length);
  const shownEnd = Math.min(end, start + MAX_HIGHLIGHTED - 1);
  const from = Math.max(1, start - CONTEXT_LINES);
  const to = Math.min(lines.length, end + CONTEXT_LINES);
  const width = String(to).length;

  const rows: string[] = [];
  for (let n = from; n <= to; n++) {
    if (n > shownEnd && n <= end) {
      // One marker stands for the elided part of the range; context after the range follows.
      if (n === shownEnd + 1) {
        const more = end - shownEnd;
        rows.push(`<div class="ln-row elided"><span class="ln">${'⋮'.padStart(width)}</span><span class="tx">${more} more line${more === 1 ? '' : 's'} in this range</span></div>`);
      }
      continue;
    }
    const text = lines[n - 1] ?? '';
    const hit = n >= start && n <= end;
    const body = n === start && f.endLine === f.line ? markColumns(text, f.column, f.endColumn) : h(text);
    rows.push(`<div class="ln-row${hit ? ' hit' : ''}"><span class="ln">${String(n).padStart(width)}</span><span class="tx">${body || ' '}</span></div>`);
  }
  return `<div class="code" role="figure" aria-label="source excerpt">${rows.join('')}</div>`;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), Math.max(lo, hi));
}

/** Wraps columns [column, endColumn) in <mark>; escapes the pieces separately so tags stay intact. */
function markColumns(text: string, column: number, endColumn: number): string {
  const a = clamp(column - 1, 0, text.length);
  const b = clamp(endColumn - 1, a, text.length);
  if (b <= a) return h(text);
  return h(text.slice(0, a)) + '<mark>' + h(text.slice(a, b)) + '</mark>' + h(text.slice(b));
}
