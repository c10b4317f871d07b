/**
 * A standalone HTML report: one file, no external resources (a CSP forbids them), so it can be
 * uploaded as a CI artifact and opened anywhere. Summary cards, SVG charts, the effective-policy
 * coverage matrix and the findings grouped by file with source excerpts.
 */
import type { Finding, Severity } from '../model/finding.js';
import type { Formatter, ReportContext, RuleMeta } from '../model/report.js';
import { countByRule, groupByFile, isFailing, plural, SEVERITIES, SEVERITY_NOUN } from './common.js';
import { escapeHtml as h } from './escape.js';
import { barChart, donutChart, SEVERITY_COLOR, type BarRow } from './html/charts.js';
import { coverageTable } from './html/coverage.js';
import { excerpt } from './html/excerpt.js';
import { ownerResolver } from './html/owners.js';
import { CSS } from './html/style.js';

const COUNT_KEY = { error: 'errors', warn: 'warnings', info: 'infos', hint: 'hints' } as const;
/** Bars per chart; the rest are summed into one "other" bar. Every built-in rule fits in the rule chart. */
const MAX_OWNER_BARS = 15;
const MAX_RULE_BARS = 30;

// Inline styles only; nothing may be fetched (no scripts at all, images only as data: URIs).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const LOGO = `<svg class="logo" viewBox="0 0 36 36" aria-hidden="true"><rect width="36" height="36" rx="8" fill="#1f2328"/><path d="M10 12h16M10 18h10M10 24h16" stroke="#fff" stroke-width="3" stroke-linecap="round"/><circle cx="25" cy="18" r="3" fill="#2da44e"/></svg>`;

function emptyCounts(): Record<Severity, number> {
  return { error: 0, warn: 0, info: 0, hint: 0 };
}

/** Only http(s) help links become hyperlinks: a ruleset could otherwise inject `javascript:`. */
function safeHref(uri: string | undefined): string | undefined {
  return uri && /^https?:\/\//i.test(uri) ? uri : undefined;
}

function header(findings: readonly Finding[], context: ReportContext): string {
  const failing = findings.filter((f) => isFailing(f, context)).length;
  const status = failing > 0
    ? `<div class="status fail">✖ ${plural(failing, ['finding fails', 'findings fail'])} the run</div>`
    : findings.length > 0
      ? `<div class="status warn">▲ Passing, with ${plural(findings.length, ['finding', 'findings'])}</div>`
      : `<div class="status pass">✔ No problems found</div>`;
  const nav = [['summary', 'Summary'], ...(findings.length ? [['charts', 'Charts']] : []), ...(context.coverage ? [['coverage', 'Coverage']] : []), ['findings', 'Findings']]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`).join('');
  return `<header class="top"><div class="top-inner">
<div class="brand">${LOGO}<div><h1>${h(context.tool.name)} report</h1>
<div class="meta">${h(context.tool.name)} ${h(context.tool.version)} · ${plural(context.summary.files, ['file', 'files'])} linted · fail severity <b>${h(context.failSeverity)}</b> · <code>${h(context.cwd)}</code></div></div></div>
<nav>${nav}</nav>
${status}
</div></header>`;
}

function cards(findings: readonly Finding[], context: ReportContext): string {
  const card = (cls: string, n: number, label: string) =>
    `<div class="card ${cls}${n === 0 ? ' zero' : ''}" data-kind="${h(cls)}"><div class="count">${n}</div><div class="label">${h(label)}</div></div>`;
  const baselined = findings.filter((f) => f.baselined).length;
  return `<section id="summary" class="cards">
${SEVERITIES.map((s) => card(`sev-${s}`, context.summary[COUNT_KEY[s]], cap(SEVERITY_NOUN[s][1]))).join('\n')}
${card('neutral files', context.summary.files, 'Files linted')}
${card('neutral baselined', baselined, 'Baselined')}
</section>`;
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

/** Top rows by total, the remainder folded into one bar so long tails stay readable. */
function topRows(rows: BarRow[], max: number, otherLabel: string): BarRow[] {
  const total = (r: BarRow) => SEVERITIES.reduce((n, s) => n + r.counts[s], 0);
  const ordered = [...rows].sort((a, b) => total(b) - total(a) || (a.label < b.label ? -1 : 1));
  if (ordered.length <= max) return ordered;
  const rest = ordered.slice(max - 1);
  const other: BarRow = { label: `${rest.length} ${otherLabel}`, counts: emptyCounts() };
  for (const r of rest) for (const s of SEVERITIES) other.counts[s] += r.counts[s];
  return [...ordered.slice(0, max - 1), other];
}

function ownerRows(findings: readonly Finding[], context: ReportContext): BarRow[] {
  const owner = ownerResolver(context.coverage, (file) => context.source(file));
  const rows = new Map<string, BarRow>();
  for (const f of findings) {
    const label = owner(f);
    let row = rows.get(label);
    if (!row) rows.set(label, (row = { label, counts: emptyCounts() }));
    row.counts[f.severity]++;
  }
  return [...rows.values()];
}

function charts(findings: readonly Finding[], context: ReportContext): string {
  const s = context.summary;
  const severityCounts: Record<Severity, number> = { error: s.errors, warn: s.warnings, info: s.infos, hint: s.hints };
  const ruleRows = countByRule(findings).map((r) => ({ label: r.rule, counts: r.bySeverity }));
  const ownerTitle = context.coverage?.length ? 'By tenant / service' : 'By file';
  const legend = `<div class="legend">${SEVERITIES.map((sev) => `<span><i style="background:${SEVERITY_COLOR[sev]}"></i>${SEVERITY_NOUN[sev][1]}</span>`).join('')}</div>`;
  return `<section id="charts" class="charts">
<figure class="panel" data-chart="severity"><h2>By severity</h2>${donutChart(severityCounts, 'Findings by severity')}</figure>
<figure class="panel" data-chart="owner"><h2>${ownerTitle}</h2>${barChart(topRows(ownerRows(findings, context), MAX_OWNER_BARS, 'others'), `Findings ${ownerTitle.toLowerCase()}`, 720)}${legend}</figure>
<figure class="panel wide" data-chart="rule"><h2>By rule</h2>${barChart(topRows(ruleRows, MAX_RULE_BARS, 'other rules'), 'Findings by rule', 1100)}${legend}</figure>
</section>`;
}

function coverage(context: ReportContext): string {
  if (!context.coverage) return '';
  const rows = context.coverage;
  const body = rows.length ? coverageTable(rows) : '<p class="empty">No routes or operations.</p>';
  return `<section id="coverage" class="panel"><h2>Effective policy coverage <span class="sub">${plural(rows.length, ['row', 'rows'])}</span></h2>
${body}
<div class="legend"><span><i style="background:#1a7f37"></i>enforced</span><span><i style="background:#cf222e"></i>missing or weak</span><span><i style="background:#d4a72c"></i>deliberately open / uncovered operation</span><span><i style="background:#ffd8d3"></i>shadow route (not in the spec)</span></div>
</section>`;
}

function findingHtml(f: Finding, context: ReportContext, rules: Map<string, RuleMeta>): string {
  const rule = rules.get(f.rule);
  const href = safeHref(rule?.helpUri);
  const ruleLink = href ? `<a href="${h(href)}" rel="noopener noreferrer">${h(f.rule)}</a>` : h(f.rule);
  const fix = rule
    ? `<details class="fix"><summary>Why and how to fix</summary><p>${h(rule.docs.why)}</p><p><b>Fix:</b> ${h(rule.docs.howToFix)}</p></details>`
    : '';
  const baselined = f.baselined ? '<span class="pill baselined">baselined</span>' : '';
  return `<article class="finding sev-${f.severity}${f.baselined ? ' is-baselined' : ''}" data-rule="${h(f.rule)}" data-severity="${f.severity}">
<div class="f-head"><span class="pill ${f.severity}">${f.severity}</span>${baselined}<span class="msg">${h(f.message)}</span></div>
<div class="f-meta">${ruleLink}<span>·</span><span>line ${f.line}:${f.column}</span>${f.pointer ? `<span>·</span><code>${h(f.pointer)}</code>` : ''}</div>
${excerpt(f, context.source(f.file))}${fix}
</article>`;
}

function findingsSection(findings: readonly Finding[], context: ReportContext): string {
  if (findings.length === 0) {
    return `<section id="findings" class="panel all-clear"><div class="big">✔</div><h2>No problems found</h2><p class="sub">${plural(context.summary.files, ['file', 'files'])} linted.</p></section>`;
  }
  const rules = new Map(context.rules.map((r) => [r.id, r]));
  const files = [...groupByFile(findings)].map(([file, list]) => {
    const counts = emptyCounts();
    for (const f of list) counts[f.severity]++;
    const pills = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `<span class="pill ${s}">${counts[s]} ${SEVERITY_NOUN[s][counts[s] === 1 ? 0 : 1]}</span>`).join('');
    return `<details class="file" open data-file="${h(file)}"><summary><span class="path">${h(file)}</span><span class="pills">${pills}</span></summary>
${list.map((f) => findingHtml(f, context, rules)).join('\n')}
</details>`;
  });
  return `<section id="findings"><h2>Findings <span class="sub">${plural(findings.length, ['finding', 'findings'])} in ${plural(files.length, ['file', 'files'])}</span></h2>
${files.join('\n')}
</section>`;
}

function staleSection(context: ReportContext): string {
  const stale = context.staleBaseline ?? [];
  if (stale.length === 0) return '';
  const rows = stale.map((e) => `<tr><td class="mono">${h(e.file)}</td><td class="mono">${h(e.pointer || '(root)')}</td><td class="mono">${h(e.rule)}</td></tr>`).join('');
  return `<section id="stale" class="panel"><h2>Stale baseline entries <span class="sub">${stale.length} match no finding any more; <code>gwctl baseline update</code> drops them</span></h2>
<div class="table-wrap"><table><thead><tr><th>File</th><th>Pointer</th><th>Rule</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

export const format: Formatter = (findings, context) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="generator" content="${h(`${context.tool.name} ${context.tool.version}`)}">
<title>${h(context.tool.name)} report: ${findings.length === 0 ? 'no problems' : plural(findings.length, ['finding', 'findings'])}</title>
<style>${CSS}</style>
</head>
<body>
${header(findings, context)}
<main>
${cards(findings, context)}
${findings.length > 0 ? charts(findings, context) : ''}
${coverage(context)}
${findingsSection(findings, context)}
${staleSection(context)}
<footer>Generated by ${h(context.tool.name)} ${h(context.tool.version)}.</footer>
</main>
</body>
</html>
`;
