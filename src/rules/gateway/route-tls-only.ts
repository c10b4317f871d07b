import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { below, keyOrigin, projectRule, routeName } from './util.js';

const SECURE = new Set(['https', 'grpcs', 'wss']);

export const routeTlsOnly: ProjectRule = projectRule({
  id: 'route-tls-only',
  scope: 'project',
  description: 'Routes accept only TLS protocols (https, grpcs, wss) and the gateway requires TLS 1.2 or later.',
  docs: {
    what: "Reports a route whose `protocols` include a plain-text protocol (`http`, `grpc`, `ws`), and a `gateway.tls.minVersion` below 1.2. Routes without `protocols` default to https and pass.",
    why: 'Plain-text protocols send credentials (API keys, bearer tokens, basic passwords) and payloads readable to anyone on the path. TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail PCI DSS and most compliance baselines.',
    howToFix: 'List only `https`, `grpcs` or `wss` in `protocols` (or drop the key to get the https default); redirect plain http at the edge if clients still use it. Set `gateway.tls.minVersion` to "1.2" or "1.3".',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    const minVersion = model.gateway?.tls?.minVersion;
    if (minVersion !== undefined && model.gateway?.tls && versionBelow12(minVersion)) {
      results.push({ message: `gateway.tls.minVersion is ${minVersion}; TLS below 1.2 is deprecated, set "1.2" or "1.3"`, at: below(model.gateway.tls.origin, 'minVersion') });
    }
    for (const service of model.services) {
      for (const route of service.routes) {
        const plain = route.protocols.filter((p) => !SECURE.has(p));
        if (plain.length === 0) continue;
        results.push({ message: `${routeName(route)} accepts ${plain.join(', ')}, which is not encrypted; allow only https, grpcs or wss`, at: keyOrigin(model, route.origin, 'protocols') });
      }
    }
    return results;
  },
});

function versionBelow12(version: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major < 1 || (major === 1 && minor < 2);
}
