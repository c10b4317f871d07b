/** The report's only stylesheet, inlined: light theme, system fonts, no external resources. */
export const CSS = `
:root {
  --fg: #1f2328; --muted: #656d76; --border: #d0d7de; --bg: #f6f8fa; --panel: #ffffff;
  --error: #cf222e; --warn: #bf8700; --warn-bar: #d4a72c; --info: #0969da; --hint: #8c959f; --ok: #1a7f37;
  --error-bg: #ffebe9; --warn-bg: #fff8c5; --info-bg: #ddf4ff; --hint-bg: #f6f8fa; --ok-bg: #dafbe1;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 0 24px 48px; }
a { color: var(--info); text-decoration: none; } a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 12px; }
h1 { font-size: 24px; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 16px; margin: 0 0 12px; }
.top { background: var(--panel); border-bottom: 1px solid var(--border); margin-bottom: 24px; }
.top-inner { max-width: 1200px; margin: 0 auto; padding: 20px 24px; display: flex; gap: 16px; align-items: center; justify-content: space-between; flex-wrap: wrap; }
.brand { display: flex; gap: 12px; align-items: center; }
.logo { width: 36px; height: 36px; flex: none; }
.meta { color: var(--muted); font-size: 13px; margin-top: 2px; }
.meta code { background: var(--bg); padding: 1px 5px; border-radius: 4px; }
nav { display: flex; gap: 4px; font-size: 13px; }
nav a { color: var(--muted); padding: 4px 10px; border-radius: 6px; }
nav a:hover { background: var(--bg); color: var(--fg); text-decoration: none; }
.status { font-weight: 600; padding: 8px 14px; border-radius: 999px; font-size: 13px; white-space: nowrap; }
.status.fail { background: var(--error-bg); color: var(--error); }
.status.pass { background: var(--ok-bg); color: var(--ok); }
.status.warn { background: var(--warn-bg); color: #7d4e00; }
section { margin-bottom: 24px; }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 18px 20px; }
.panel > h2 .sub { font-weight: 400; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px; position: relative; overflow: hidden; }
.card::before { content: ""; position: absolute; inset: 0 auto 0 0; width: 4px; background: var(--accent, var(--border)); }
.card .count { font-size: 30px; font-weight: 650; line-height: 1.1; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 13px; }
.card.sev-error { --accent: var(--error); } .card.sev-error .count { color: var(--error); }
.card.sev-warn { --accent: var(--warn-bar); } .card.sev-warn .count { color: var(--warn); }
.card.sev-info { --accent: var(--info); } .card.sev-info .count { color: var(--info); }
.card.sev-hint { --accent: var(--hint); } .card.sev-hint .count { color: var(--muted); }
.card.zero .count { color: var(--hint); }
.card.neutral { --accent: #8250df; }
.charts { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(380px, 2fr); gap: 12px; }
.charts .wide { grid-column: 1 / -1; }
@media (max-width: 820px) { .charts { grid-template-columns: 1fr; } }
figure { margin: 0; }
.chart { display: block; max-width: 100%; height: auto; overflow: visible; }
.bar-chart { max-height: none; }
.chart text { font-family: inherit; font-size: 12px; fill: var(--fg); }
.chart .value { fill: var(--muted); font-variant-numeric: tabular-nums; }
.chart .donut-total { font-size: 28px; font-weight: 650; }
.chart .donut-caption { fill: var(--muted); font-size: 11px; }
.chart rect.bar { shape-rendering: crispEdges; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin-top: 10px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; }
.empty { color: var(--muted); margin: 0; }
.stats { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 14px; }
.stat { font-size: 12px; padding: 3px 10px; border-radius: 999px; border: 1px solid var(--border); background: var(--bg); }
.stat b { font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
thead th { background: var(--bg); font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; position: sticky; top: 0; }
tbody tr:last-child td { border-bottom: 0; }
table.coverage td:first-child { min-width: 280px; }
tr.group th { background: #f6f8fa; font-size: 13px; color: var(--fg); border-top: 1px solid var(--border); }
td.tone-good { color: var(--ok); } td.tone-good::before { content: "● "; }
td.tone-bad { color: var(--error); background: var(--error-bg); font-weight: 600; } td.tone-bad::before { content: "✖ "; }
td.tone-warn { color: #7d4e00; background: var(--warn-bg); } td.tone-warn::before { content: "▲ "; }
td.tone-muted { color: var(--muted); }
.stat.tone-bad { background: var(--error-bg); border-color: #ffcecb; color: var(--error); }
.stat.tone-warn { background: var(--warn-bg); border-color: #eac54f; color: #7d4e00; }
.stat.tone-good { background: var(--ok-bg); border-color: #aceebb; color: var(--ok); }
tr.row-uncovered-operation td { background-color: #fff8c5; }
tr.row-uncovered-operation td:first-child { box-shadow: inset 4px 0 0 var(--warn-bar); }
tr.row-shadow-route td { background-color: #ffebe9; }
tr.row-shadow-route td:first-child { box-shadow: inset 4px 0 0 var(--error); }
.sub { color: var(--muted); font-size: 12px; font-weight: 400; }
.kind { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 4px; border: 1px solid var(--border); color: var(--muted); background: var(--panel); margin-right: 4px; }
.kind-uncovered-operation { border-color: var(--warn-bar); color: #7d4e00; background: #fff1b3; font-weight: 600; }
.kind-shadow-route { border-color: var(--error); color: var(--error); background: #ffd8d3; font-weight: 600; }
.chip { display: inline-block; font-size: 12px; padding: 0 7px; border-radius: 999px; background: #eef1f4; margin: 1px 0; }
details.file { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; margin-bottom: 12px; overflow: hidden; }
details.file > summary { cursor: pointer; padding: 12px 16px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; list-style: none; border-bottom: 1px solid transparent; }
details.file[open] > summary { border-bottom-color: var(--border); background: #fbfcfd; }
details.file > summary::-webkit-details-marker { display: none; }
details.file > summary::before { content: "▸"; color: var(--muted); transition: transform .15s; }
details.file[open] > summary::before { transform: rotate(90deg); }
.path { font-family: var(--mono); font-size: 13px; font-weight: 600; }
.pills { display: flex; gap: 6px; margin-left: auto; }
.pill { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 8px; border-radius: 999px; text-transform: uppercase; letter-spacing: 0.03em; }
.pill.error { background: var(--error-bg); color: var(--error); }
.pill.warn { background: var(--warn-bg); color: #7d4e00; }
.pill.info { background: var(--info-bg); color: var(--info); }
.pill.hint { background: #eef1f4; color: var(--muted); }
.pill.baselined { background: #fbefff; color: #8250df; }
.finding { padding: 14px 16px; border-bottom: 1px solid #eaeef2; border-left: 4px solid var(--sev, var(--border)); }
.finding:last-child { border-bottom: 0; }
.finding.sev-error { --sev: var(--error); } .finding.sev-warn { --sev: var(--warn-bar); }
.finding.sev-info { --sev: var(--info); } .finding.sev-hint { --sev: var(--hint); }
.finding.is-baselined { opacity: 0.72; }
.finding .f-head { display: flex; gap: 8px; align-items: baseline; }
.finding .msg { font-weight: 600; }
.finding .f-meta { color: var(--muted); font-size: 12px; margin: 4px 0 8px; display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
.finding .f-meta code { background: var(--bg); padding: 0 5px; border-radius: 4px; }
.code { font-family: var(--mono); font-size: 12px; line-height: 1.6; background: #f6f8fa; border: 1px solid #eaeef2; border-radius: 6px; overflow-x: auto; padding: 6px 0; tab-size: 2; }
.ln-row { display: flex; white-space: pre; }
.ln-row .ln { color: #8c959f; padding: 0 12px 0 10px; text-align: right; user-select: none; flex: none; }
.ln-row .tx { padding-right: 12px; }
.ln-row.hit { background: #fff5b1; }
.finding.sev-error .ln-row.hit { background: #ffebe9; }
.finding.sev-info .ln-row.hit, .finding.sev-hint .ln-row.hit { background: #ddf4ff; }
.ln-row.hit .ln { color: var(--fg); font-weight: 600; box-shadow: inset 3px 0 0 var(--sev); }
.ln-row.elided .tx { color: var(--muted); font-style: italic; }
mark { background: var(--mark, rgba(207, 34, 46, 0.16)); color: inherit; border-bottom: 2px solid var(--sev); border-radius: 2px; }
.finding.sev-warn { --mark: rgba(212, 167, 44, 0.28); } .finding.sev-info, .finding.sev-hint { --mark: rgba(9, 105, 218, 0.14); }
details.fix { margin-top: 8px; font-size: 13px; }
details.fix summary { cursor: pointer; color: var(--info); font-size: 12px; }
details.fix p { margin: 6px 0 0; }
.all-clear { text-align: center; padding: 40px 20px; }
.all-clear .big { font-size: 40px; color: var(--ok); }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 32px; }
@media print { .top { position: static; } details.file > summary::before { display: none; } }
`;
