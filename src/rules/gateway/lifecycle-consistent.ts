import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { keyOrigin, projectRule } from './util.js';

export const lifecycleConsistent: ProjectRule = projectRule({
  id: 'lifecycle-consistent',
  scope: 'project',
  description: 'Retired services have no routes; deprecated services name a sunset date.',
  docs: {
    what: "Reports a service with `lifecycle: retired` that still has routes, and a service with `lifecycle: deprecated` that has no `sunset` date.",
    why: "A retired service that still has routes is still reachable: the lifecycle says it is gone while the gateway keeps serving it, often without anyone maintaining it. A deprecation without a sunset date gives consumers no deadline to migrate by, so they never do (RFC 8594 defines the Sunset header for exactly this).",
    howToFix: "Remove the routes of a retired service (or set its lifecycle back to deprecated if it must stay reachable). Give a deprecated service `sunset: YYYY-MM-DD`, the date after which it will be retired.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const service of model.services) {
      if (service.lifecycle === 'retired' && service.routes.length > 0) {
        const n = service.routes.length;
        results.push({ message: `service '${service.name}' is retired but still has ${n} route${n === 1 ? '' : 's'}; remove them`, at: keyOrigin(model, service.origin, 'routes') });
      }
      if (service.lifecycle === 'deprecated' && !service.sunset) {
        results.push({ message: `service '${service.name}' is deprecated but names no \`sunset\` date`, at: keyOrigin(model, service.origin, 'lifecycle') });
      }
    }
    return results;
  },
});
