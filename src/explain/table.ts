import type { CoverageRow } from '../model/report.js';

const KIND_LABEL: Record<CoverageRow['kind'], string> = {
  'route': 'route',
  'operation': '  -> op',
  'shadow-route': '  !! shadow',
  'uncovered-operation': '!! uncovered',
};

const HEADERS = ['', 'ROUTE', 'ENDPOINT', 'AUTH', 'RATE LIMIT', 'TLS', 'CALLERS', 'WHERE'] as const;

/**
 * The effective-policy table for a terminal: one block per tenant and service (with the
 * service's upstream in the block's heading), columns aligned across the whole table so blocks
 * read as one table. Plain text, no colour: it is also what gets pasted into tickets.
 */
export function formatTable(rows: readonly CoverageRow[]): string {
  if (rows.length === 0) return 'No routes: the config defines no services with routes.\n';
  const cells = rows.map(cellsOf);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();

  const out: string[] = [];
  let group = '';
  rows.forEach((row, index) => {
    const key = `${row.tenant ?? ''}\0${row.service}`;
    if (key !== group) {
      group = key;
      if (out.length > 0) out.push('');
      const upstream = rows.find((r) => r.service === row.service && r.upstream)?.upstream;
      out.push(`${row.tenant ? `tenant ${row.tenant}` : '(no tenant)'} / service ${row.service}${upstream ? `  -> ${upstream}` : ''}`);
      out.push(line(HEADERS));
    }
    out.push(line(cells[index]!));
  });
  const counts = countKinds(rows);
  out.push('', `${counts.route} route(s), ${counts.operation} routed operation(s), ${counts['uncovered-operation']} uncovered operation(s), ${counts['shadow-route']} shadow endpoint(s)`);
  return `${out.join('\n')}\n`;
}

function cellsOf(row: CoverageRow): string[] {
  const methods = row.methods.length > 0 ? row.methods.join(',') : '*';
  const hosts = row.hosts.length > 0 ? ` @${row.hosts.join(',')}` : '';
  const endpoint = row.kind === 'operation' || row.kind === 'uncovered-operation'
    ? row.operation ?? `${methods} ${row.paths.join(' ')}`
    : `${methods} ${row.paths.join(' ')}${hosts}`;
  return [
    KIND_LABEL[row.kind],
    row.route ?? '-',
    endpoint,
    row.auth,
    row.rateLimit ?? (row.kind === 'uncovered-operation' ? '-' : 'none'),
    row.tls,
    row.callers.length > 0 ? row.callers.join(',') : '-',
    row.line ? `${row.file}:${row.line}` : row.file,
  ];
}

function countKinds(rows: readonly CoverageRow[]): Record<CoverageRow['kind'], number> {
  const counts = { 'route': 0, 'operation': 0, 'shadow-route': 0, 'uncovered-operation': 0 };
  for (const row of rows) counts[row.kind]++;
  return counts;
}
