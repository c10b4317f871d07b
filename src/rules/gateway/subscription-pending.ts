import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { projectRule } from './util.js';

export const subscriptionPending: ProjectRule = projectRule({
  id: 'subscription-pending',
  scope: 'project',
  description: 'Lists pending subscriptions (they grant nothing until approved).',
  docs: {
    what: 'Reports, as information, every subscription with `status: pending`.',
    why: 'A pending subscription grants nothing and no driver renders it, so a client waiting on it gets 401/403 from the gateway. Listing them makes the approval queue visible in CI and reviews instead of in support tickets.',
    howToFix: 'Have the service owner decide: set `status: approved` with `approvedBy`/`approvedAt`, or `status: rejected`. Nothing needs fixing if the request is still under review.',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const consumer of model.consumers) {
      for (const subscription of consumer.subscriptions) {
        if (subscription.status !== 'pending') continue;
        results.push({ message: `consumer '${consumer.name}' has a pending subscription to '${subscription.service}'; it grants nothing until approved`, at: subscription.origin });
      }
    }
    return results;
  },
});
