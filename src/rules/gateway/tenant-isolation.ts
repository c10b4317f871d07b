import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { below, projectRule } from './util.js';

export const tenantIsolation: ProjectRule = projectRule({
  id: 'tenant-isolation',
  scope: 'project',
  description: 'Consumers subscribe only to services of their own tenant or to public services.',
  docs: {
    what: "Reports a subscription (approved or pending; rejected ones grant nothing) of a consumer to a service of another tenant when that service is not `visibility: public`, and a subscription to a service that no config defines.",
    why: "A tenant's services are private to it unless it publishes them. A cross-tenant subscription to a private service would let one tenant's client read another tenant's API: exactly the leak multi-tenancy exists to prevent. A subscription to an unknown service is usually a typo that silently grants nothing, or a leftover of a removed service.",
    howToFix: "Remove the subscription, or, if the owning tenant really wants to offer the service to other tenants, set `visibility: public` on the service (which also requires `approval: manual`). Fix misspelt service names.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const services = new Map(model.services.map((s) => [s.name, s]));
    const results: RuleResult[] = [];
    for (const consumer of model.consumers) {
      for (const subscription of consumer.subscriptions) {
        if (subscription.status === 'rejected') continue;
        const service = services.get(subscription.service);
        if (!service) {
          results.push({ message: `consumer '${consumer.name}' subscribes to service '${subscription.service}', which no config defines`, at: below(subscription.origin, 'service') });
          continue;
        }
        // Without both tenants the question cannot be answered; tenant-scoped reports that.
        if (consumer.tenant === undefined || service.tenant === undefined) continue;
        if (consumer.tenant === service.tenant || service.visibility === 'public') continue;
        results.push({
          message: `consumer '${consumer.name}' (tenant '${consumer.tenant}') subscribes to service '${service.name}' of tenant '${service.tenant}', which is not public`,
          at: below(subscription.origin, 'service'),
        });
      }
    }
    return results;
  },
});
