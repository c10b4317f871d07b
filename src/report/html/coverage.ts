/**
 * The effective-policy coverage matrix: one row per route / spec operation, grouped by service,
 * with auth, rate limit, TLS and callers colour coded. Uncovered operations (in the spec, reached
 * by no route) and shadow routes (routed, in no spec) are highlighted, since those are the rows a
 * reviewer has to act on.
 */
import type { CoverageRow } from '../../model/report.js';
import { escapeHtml as h } from '../escape.js';
import { ownerOf } from './owners.js';

type Tone = 'good' | 'warn' | 'bad' | 'muted';

const KIND_LABEL: Record<CoverageRow['kind'], string> = {
  route: 'route',
  operation: 'operation',
  'uncovered-operation': 'uncovered operation',
  'shadow-route': 'shadow route',
};

export function authTone(row: CoverageRow): Tone {
  const auth = row.auth.trim().toLowerCase();
  // A deliberate public exception (explain marks it `[public]`) is a warning; any other route without auth is bad.
  if (auth === '' || auth === 'none' || auth.startsWith('none')) return auth.includes('[public]') ? 'warn' : 'bad';
  return 'good';
}

export function rateLimitTone(row: CoverageRow): Tone {
  return row.rateLimit && row.rateLimit.trim() !== '' && row.rateLimit.trim().toLowerCase() !== 'none' ? 'good' : 'bad';
}

/**
 * TLS is a free-text summary (protocols, minimum version, upstream scheme and verification), so
 * it is judged by the weak spots it names: plain http/ws, TLS 1.0/1.1, disabled verification.
 */
export function tlsTone(row: CoverageRow): Tone {
  const tls = row.tls.toLowerCase();
  if (tls.trim() === '' || /\bnone\b/.test(tls)) return 'bad';
  if (/\bhttp\b(?!s)|\bws\b(?!s)|\b1\.[01]\b|unverified|no.?verify|verify[:=]\s*false|insecure|plain/.test(tls)) return 'bad';
  return 'good';
}

function callersCell(callers: readonly string[]): string {
  if (callers.length === 0) return `<td class="tone-muted">nobody</td>`;
  if (callers.includes('*')) return `<td class="tone-warn">anyone (public)</td>`;
  return `<td>${callers.map((c) => `<span class="chip">${h(c)}</span>`).join(' ')}</td>`;
}

function toned(tone: Tone, text: string): string {
  return `<td class="tone-${tone}">${h(text)}</td>`;
}

function nameCell(row: CoverageRow): string {
  const name = row.kind === 'operation' || row.kind === 'uncovered-operation' ? row.operation ?? row.route ?? '' : row.route ?? row.operation ?? '';
  const match = [row.methods.length ? row.methods.join(', ') : 'ANY', row.paths.join(', ')].filter(Boolean).join(' ');
  const hosts = row.hosts.length ? `<div class="sub">hosts: ${h(row.hosts.join(', '))}</div>` : '';
  const upstream = row.upstream ? `<div class="sub">→ ${h(row.upstream)}</div>` : '';
  return `<td><span class="kind kind-${row.kind}">${KIND_LABEL[row.kind]}</span> <strong>${h(name)}</strong>${match === name ? '' : `<div class="sub mono">${h(match)}</div>`}${hosts}${upstream}</td>`;
}

function rowHtml(row: CoverageRow): string {
  const where = `${row.file}${row.line ? `:${row.line}` : ''}`;
  // An operation no route reaches has no effective policy to judge: the row itself is the finding.
  const policy = row.kind === 'uncovered-operation'
    ? `${toned('muted', row.auth || '—')}${toned('muted', row.rateLimit || '—')}${toned('muted', row.tls || '—')}<td class="tone-muted">not routed</td>`
    : `${toned(authTone(row), row.auth || 'none')}${toned(rateLimitTone(row), row.rateLimit || 'none')}${toned(tlsTone(row), row.tls || 'none')}${callersCell(row.callers)}`;
  return `<tr class="cov-row row-${row.kind}">${nameCell(row)}${policy}<td class="mono sub">${h(where)}</td></tr>`;
}

/** Rows grouped by tenant/service, groups in name order, rows in their given order. */
function grouped(rows: readonly CoverageRow[]): Map<string, CoverageRow[]> {
  const groups = new Map<string, CoverageRow[]>();
  const keys = [...new Set(rows.map(ownerOf))].sort();
  for (const k of keys) groups.set(k, []);
  for (const row of rows) groups.get(ownerOf(row))!.push(row);
  return groups;
}

export function coverageStats(rows: readonly CoverageRow[]) {
  return {
    routes: rows.filter((r) => r.kind === 'route').length,
    operations: rows.filter((r) => r.kind === 'operation').length,
    uncovered: rows.filter((r) => r.kind === 'uncovered-operation').length,
    shadow: rows.filter((r) => r.kind === 'shadow-route').length,
    unauthenticated: rows.filter((r) => r.kind !== 'uncovered-operation' && authTone(r) === 'bad').length,
    unlimited: rows.filter((r) => r.kind !== 'uncovered-operation' && rateLimitTone(r) === 'bad').length,
  };
}

export function coverageTable(rows: readonly CoverageRow[]): string {
  const s = coverageStats(rows);
  const stat = (n: number, label: string, tone: Tone) => `<span class="stat tone-${n > 0 ? tone : 'muted'}"><b>${n}</b> ${label}</span>`;
  const stats = [
    stat(s.routes, s.routes === 1 ? 'route' : 'routes', 'good'),
    stat(s.operations, s.operations === 1 ? 'routed operation' : 'routed operations', 'good'),
    stat(s.uncovered, s.uncovered === 1 ? 'uncovered operation' : 'uncovered operations', 'warn'),
    stat(s.shadow, s.shadow === 1 ? 'shadow route' : 'shadow routes', 'bad'),
    stat(s.unauthenticated, 'without auth', 'bad'),
    stat(s.unlimited, 'without rate limit', 'bad'),
  ].join('');

  const body: string[] = [];
  for (const [owner, list] of grouped(rows)) {
    body.push(`<tr class="group"><th colspan="6">${h(owner)} <span class="sub">${list.length} row${list.length === 1 ? '' : 's'}</span></th></tr>`);
    body.push(...list.map(rowHtml));
  }
  return `<div class="stats">${stats}</div>
<div class="table-wrap"><table class="coverage">
<thead><tr><th>Route / operation</th><th>Auth</th><th>Rate limit</th><th>TLS</th><th>Callers</th><th>Defined at</th></tr></thead>
<tbody>${body.join('\n')}</tbody>
</table></div>`;
}
