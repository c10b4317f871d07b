import type { Finding } from '../../src/model/finding.js';
import type { BaselineEntry } from '../../src/baseline/types.js';

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'route-auth-required',
    severity: 'error',
    message: "Route 'list-payments' has no auth",
    file: 'gateway/payments.yaml',
    pointer: '/services/0/routes/0',
    line: 21,
    column: 9,
    endLine: 27,
    endColumn: 31,
    fingerprint: 'fp-auth',
    baselined: false,
    ...over,
  };
}

export function entry(over: Partial<BaselineEntry> = {}): BaselineEntry {
  return {
    rule: 'route-auth-required',
    file: 'gateway/payments.yaml',
    pointer: '/services/0/routes/0',
    fingerprint: 'fp-auth',
    reason: 'legacy partner integration, migrating in Q3',
    owner: 'payments-team@example.com',
    expires: null,
    ...over,
  };
}
