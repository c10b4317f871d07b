/**
 * Inline SVG charts for the HTML report. Hand-drawn (no chart library) so the report stays one
 * self-contained file; sizes use a viewBox so the charts scale with their panel.
 */
import type { Severity } from '../../model/finding.js';
import { escapeHtml as h } from '../escape.js';
import { SEVERITIES, SEVERITY_NOUN } from '../common.js';

export const SEVERITY_COLOR: Record<Severity, string> = {
  error: '#cf222e',
  warn: '#d4a72c',
  info: '#0969da',
  hint: '#8c959f',
};

export interface BarRow {
  label: string;
  counts: Record<Severity, number>;
}

const ROW_H = 26;
const BAR_H = 16;
const CHAR_W = 6.6; // average glyph width of the 12px system font, for label sizing

function truncate(label: string, max: number): string {
  return label.length <= max ? label : label.slice(0, Math.max(1, max - 1)) + '…';
}

/**
 * Horizontal bars, one per row, stacked by severity, the total at the end of each bar. `width` is
 * the viewBox width: pick about the panel's CSS width so text renders near its nominal 12px.
 */
export function barChart(rows: readonly BarRow[], title: string, width = 640): string {
  if (rows.length === 0) return `<p class="empty">No findings to chart.</p>`;
  const labelChars = Math.min(34, Math.max(...rows.map((r) => r.label.length)));
  const labelW = Math.ceil(labelChars * CHAR_W) + 12;
  const totals = rows.map((r) => SEVERITIES.reduce((n, s) => n + r.counts[s], 0));
  const max = Math.max(1, ...totals);
  const barMax = width - labelW - 40;
  const height = rows.length * ROW_H + 4;

  const body = rows.map((row, i) => {
    const y = i * ROW_H + 4;
    let x = labelW;
    const segments = SEVERITIES.filter((s) => row.counts[s] > 0).map((s) => {
      const w = Math.max(2, (row.counts[s] / max) * barMax);
      const rect = `<rect class="bar" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${SEVERITY_COLOR[s]}"><title>${h(`${row.label}: ${row.counts[s]} ${SEVERITY_NOUN[s][row.counts[s] === 1 ? 0 : 1]}`)}</title></rect>`;
      x += w;
      return rect;
    });
    return [
      `<text x="${labelW - 8}" y="${y + BAR_H - 4}" text-anchor="end" class="label">${h(truncate(row.label, 34))}<title>${h(row.label)}</title></text>`,
      ...segments,
      `<text x="${(x + 6).toFixed(1)}" y="${y + BAR_H - 4}" class="value">${totals[i]}</text>`,
    ].join('');
  });

  return `<svg class="chart bar-chart" role="img" aria-label="${h(title)}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">${body.join('')}</svg>`;
}

/** A ring split by severity, the total in the middle. */
export function donutChart(counts: Record<Severity, number>, title: string): string {
  const total = SEVERITIES.reduce((n, s) => n + counts[s], 0);
  const r = 52;
  const c = 2 * Math.PI * r;
  let offset = 0;
  const arcs = SEVERITIES.filter((s) => counts[s] > 0).map((s) => {
    const len = (counts[s] / total) * c;
    // Rotate so the first arc starts at 12 o'clock; dashoffset walks each arc along the ring.
    const arc = `<circle cx="70" cy="70" r="${r}" fill="none" stroke="${SEVERITY_COLOR[s]}" stroke-width="18" stroke-dasharray="${len.toFixed(2)} ${(c - len).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" transform="rotate(-90 70 70)"><title>${h(`${counts[s]} ${SEVERITY_NOUN[s][counts[s] === 1 ? 0 : 1]}`)}</title></circle>`;
    offset += len;
    return arc;
  });
  const ring = total === 0 ? `<circle cx="70" cy="70" r="${r}" fill="none" stroke="#d8dee4" stroke-width="18"/>` : arcs.join('');
  const legend = SEVERITIES.map((s, i) =>
    `<g transform="translate(160 ${28 + i * 24})"><rect width="12" height="12" rx="3" fill="${SEVERITY_COLOR[s]}"/><text x="20" y="11" class="label">${SEVERITY_NOUN[s][1]}</text><text x="120" y="11" text-anchor="end" class="value">${counts[s]}</text></g>`).join('');
  return `<svg class="chart donut-chart" role="img" aria-label="${h(title)}" viewBox="0 0 290 140" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">${ring}<text x="70" y="70" text-anchor="middle" class="donut-total">${total}</text><text x="70" y="88" text-anchor="middle" class="donut-caption">findings</text>${legend}</svg>`;
}
