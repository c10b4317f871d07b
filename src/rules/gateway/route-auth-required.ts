import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { effectivePolicies } from '../../normalize/effective-policy.js';
import { keyOrigin, projectRule, routeName } from './util.js';

export const routeAuthRequired: ProjectRule = projectRule({
  id: 'route-auth-required',
  scope: 'project',
  description: 'Every route has an effective auth other than none, unless it is public with a reason.',
  docs: {
    what: "Computes each route's effective auth (the route's `auth`, else `gateway.defaults.auth`) and reports routes where it is missing or `type: none`. A route marked `public: true` with a non-empty `reason` is a deliberate exception (health checks, public catalogues); `public: true` without a reason is reported.",
    why: 'A route without auth exposes its upstream to anyone who can reach the gateway. Making every exception explicit, with a reason a reviewer can read, keeps anonymous access a decision rather than an accident.',
    howToFix: 'Give the route an `auth` (`{type: key}`, `{type: jwt}`, …) or set `gateway.defaults.auth` so every route inherits one. If the route really must be anonymous, set `public: true` and a `reason` explaining why.',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const policy of effectivePolicies(model)) {
      const { route } = policy;
      if (policy.auth.type !== 'none') continue;
      if (route.public) {
        if (route.reason && route.reason.trim() !== '') continue;
        results.push({ message: `${routeName(route)} is public but gives no reason; add a \`reason\` saying why it needs no auth`, at: keyOrigin(model, route.origin, 'public') });
        continue;
      }
      const at = route.auth ? route.auth.origin : route.origin;
      const why = route.auth ? 'sets auth type none'
        : model.gateway?.defaults?.auth ? 'inherits auth type none from gateway.defaults'
          : 'has no auth and gateway.defaults sets none';
      results.push({ message: `${routeName(route)} ${why}; set \`auth\`, or mark it \`public: true\` with a \`reason\``, at });
    }
    return results;
  },
});
