import type { Consumer, Service } from '../../model/gateway.js';
import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { below, projectRule } from './util.js';

export const tenantScoped: ProjectRule = projectRule({
  id: 'tenant-scoped',
  scope: 'project',
  description: 'Every service and consumer names a tenant that exists.',
  docs: {
    what: 'Reports services and consumers without a `tenant`, and those naming a tenant that is not defined under `tenants` in any of the merged config files.',
    why: 'Tenants are the unit of ownership and isolation: access rules, rate-limit keys and reports are per tenant. Something that belongs to no tenant, or to a misspelt one, has no owner to ask and escapes the isolation rules (tenant-isolation cannot judge it).',
    howToFix: 'Add `tenant: <name>` to the service or consumer, and define that tenant under `tenants` (`- name: payments`, with an `owner`). Check the spelling against the tenant list.',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const known = new Set(model.tenants.map((t) => t.name));
    const results: RuleResult[] = [];
    const check = (what: 'service' | 'consumer', node: Service | Consumer) => {
      if (node.tenant === undefined) {
        results.push({ message: `${what} '${node.name}' belongs to no tenant; add \`tenant: <name>\``, at: node.origin });
      } else if (!known.has(node.tenant)) {
        const list = known.size > 0 ? ` (defined: ${[...known].join(', ')})` : ' (no tenants are defined)';
        results.push({ message: `${what} '${node.name}' names tenant '${node.tenant}', which is not defined under \`tenants\`${list}`, at: below(node.origin, 'tenant') });
      }
    };
    for (const service of model.services) check('service', service);
    for (const consumer of model.consumers) check('consumer', consumer);
    return results;
  },
});
