import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { keyOrigin, projectRule } from './util.js';

export const aiTokenBudgetDeclared: ProjectRule = projectRule({
  id: 'ai-token-budget-declared',
  scope: 'project',
  description: 'Every kind: ai service declares a token budget (cost control).',
  docs: {
    what: "Reports every service with `kind: ai` whose `ai` settings have no `tokenBudget`.",
    why: "LLM providers bill per token. Without a budget one consumer, a runaway agent loop or a leaked key can spend the month's money in hours; request rate limits do not bound it, because one request can use a few tokens or a million.",
    howToFix: "Add `ai.tokenBudget: {tokens: N, per: day, key: consumer}` to the service, sized from expected usage; use `key: tenant` to cap a whole tenant.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const service of model.services) {
      if (service.kind !== 'ai' || service.ai?.tokenBudget) continue;
      const at = service.ai ? service.ai.origin : keyOrigin(model, service.origin, 'kind');
      results.push({ message: `AI service '${service.name}' declares no \`ai.tokenBudget\`; its token spend is unbounded`, at });
    }
    return results;
  },
});
