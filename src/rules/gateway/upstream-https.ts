import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { below, projectRule } from './util.js';

const PLAIN = /^(http|ws|grpc|h2c):\/\//i;

export const upstreamHttps: ProjectRule = projectRule({
  id: 'upstream-https',
  scope: 'project',
  description: 'Upstream targets use https://, not plain http://.',
  docs: {
    what: 'Reports every upstream target whose URL uses a plain-text scheme (`http://`, `ws://`, `grpc://`, `h2c://`).',
    why: 'Traffic between the gateway and its upstreams carries the same credentials and personal data as the client side. Inside a data centre or cluster it is still exposed to anyone on that network, and zero-trust baselines require encryption on every hop.',
    howToFix: "Serve the upstream over TLS and change the target to `https://…`. Where that is not possible yet (a sidecar terminates TLS, a legacy backend), keep the finding visible in a baseline with an owner and an expiry date.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const service of model.services) {
      for (const target of service.upstream?.targets ?? []) {
        if (!PLAIN.test(target.url)) continue;
        results.push({ message: `service '${service.name}' sends traffic to ${safeUrl(target.url)} in plain text; use an https:// target`, at: below(target.origin, 'url') });
      }
    }
    return results;
  },
});

/** Scheme, host and port only: a URL's userinfo or query may carry credentials. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return url.replace(/^([a-z0-9+.-]+:\/\/)([^/@]*@)?([^/?#]*).*$/i, '$1$3');
  }
}
