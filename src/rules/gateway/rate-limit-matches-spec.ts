import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { effectivePolicy } from '../../normalize/effective-policy.js';
import { linkModel } from '../../normalize/spec-link.js';
import { projectRule, routeName, specShown } from './util.js';

export const rateLimitMatchesSpec: ProjectRule = projectRule({
  id: 'rate-limit-matches-spec',
  scope: 'project',
  description: 'An operation that documents 429 is behind a route with an effective rate limit.',
  docs: {
    what: "For every route path + method that reaches an operation of the linked spec, reports operations that document a `429` response while the route has no effective rate limit (none on the route, its service or `gateway.defaults`). The finding points at the route.",
    why: "A documented 429 tells clients that requests are limited and how to back off. If the gateway enforces no limit, the spec is wrong about the deployed API and the backend carries load it was told the gateway would shed.",
    howToFix: "Set `rateLimit` on the route, its service or `gateway.defaults`, matching what the spec's 429 description (or `x-gwctl-rate-limit`) promises; or drop the 429 response from the spec if the API is really unlimited.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model, _options, context) {
    const results: RuleResult[] = [];
    for (const link of linkModel(model, context.deref)) {
      const seen = new Set<string>();
      for (const { route, operation } of link.matches) {
        if (!operation.documents429) continue;
        const key = `${route.name}\0${operation.method} ${operation.specPath}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (effectivePolicy(model, link.service, route).rateLimit) continue;
        results.push({ message: `${operation.method} ${operation.path} in ${specShown(link.service)} documents 429 responses, but ${routeName(route)} has no rate limit`, at: route.origin });
      }
    }
    return results;
  },
});
