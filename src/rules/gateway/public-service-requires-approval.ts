import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { keyOrigin, projectRule } from './util.js';

export const publicServiceRequiresApproval: ProjectRule = projectRule({
  id: 'public-service-requires-approval',
  scope: 'project',
  description: 'A visibility: public service requires manual approval of subscriptions.',
  docs: {
    what: 'Reports a service with `visibility: public` and `approval: auto`.',
    why: 'A public service accepts subscriptions from consumers of every tenant. With automatic approval, anyone who can register a consumer gets access without the owning team ever seeing the request; manual approval keeps a named person (`approvedBy`) accountable for each cross-tenant grant.',
    howToFix: 'Set `approval: manual` (the default) on the service, or make it `visibility: tenant` if only its own tenant should use it.',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const service of model.services) {
      if (service.visibility !== 'public' || service.approval !== 'auto') continue;
      results.push({ message: `service '${service.name}' is public but approves subscriptions automatically; set \`approval: manual\``, at: keyOrigin(model, service.origin, 'approval') });
    }
    return results;
  },
});
