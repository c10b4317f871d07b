import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { keyOrigin, projectRule } from './util.js';

export const subscriptionApproved: ProjectRule = projectRule({
  id: 'subscription-approved',
  scope: 'project',
  description: 'An approved subscription names who approved it (approvedBy).',
  docs: {
    what: 'Reports every subscription with `status: approved` that has no non-empty `approvedBy`.',
    why: 'An approved subscription grants a consumer access to a service. Auditors and incident responders need to know who granted it; an approval without a name cannot be traced or challenged.',
    howToFix: 'Add `approvedBy: <person or team>` (and `approvedAt: <date>`) to the subscription, or set `status: pending` until someone approves it.',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const consumer of model.consumers) {
      for (const subscription of consumer.subscriptions) {
        if (subscription.status !== 'approved' || subscription.approvedBy) continue;
        results.push({ message: `consumer '${consumer.name}' has an approved subscription to '${subscription.service}' that names no \`approvedBy\``, at: keyOrigin(model, subscription.origin, 'status') });
      }
    }
    return results;
  },
});
