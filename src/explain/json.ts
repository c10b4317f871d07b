import type { CoverageRow } from '../model/report.js';

/**
 * `gwctl explain --format json`:
 * ```json
 * { "rows": [
 *   { "kind": "route" | "operation" | "shadow-route" | "uncovered-operation",
 *     "tenant": "payments", "service": "payments-api", "route": "list-payments",
 *     "operation": "GET /v1/payments",          // operation rows only
 *     "methods": ["GET"], "paths": ["/v1/payments"], "hosts": [],
 *     "auth": "key (X-API-Key) [default]", "rateLimit": "20/second per consumer",
 *     "tls": "https tls>=1.2", "upstream": "https://payments.internal:8443",
 *     "callers": ["acme-mobile"],               // ["*"]: anyone (public route or no auth)
 *     "file": "gateway/edge.yaml", "line": 21 } ] }
 * ```
 * One CoverageRow (src/model/report.ts) per row of the table, in the same order; `file` is
 * relative to the current folder. Optional fields are left out when empty.
 */
export function formatJson(rows: readonly CoverageRow[]): string {
  return `${JSON.stringify({ rows }, null, 2)}\n`;
}
