import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { effectivePolicies } from '../../normalize/effective-policy.js';
import { projectRule, routeName } from './util.js';

export const routeRateLimitDeclared: ProjectRule = projectRule({
  id: 'route-rate-limit-declared',
  scope: 'project',
  description: 'Every route has an effective rate limit (its own, its service\'s or the gateway default).',
  docs: {
    what: "Reports routes with no effective rate limit: neither the route, nor its service, nor `gateway.defaults` sets `rateLimit`.",
    why: 'An unlimited route lets one consumer (or one leaked key) exhaust the upstream, run up costs and degrade the service for every other tenant. A declared limit is also what clients can plan against.',
    howToFix: 'Set `rateLimit: {requests: N, per: second|minute|hour|day, key: consumer}` on the route or its service, or once under `gateway.defaults` so every route inherits it.',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const policy of effectivePolicies(model)) {
      if (policy.rateLimit) continue;
      results.push({ message: `${routeName(policy.route)} has no rate limit (none on the route, the service or gateway.defaults)`, at: policy.route.origin });
    }
    return results;
  },
});
