import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { linkModel, type ServiceLink } from '../../normalize/spec-link.js';
import { projectRule } from './util.js';

export const operationRouted: ProjectRule = projectRule({
  id: 'operation-routed',
  scope: 'project',
  description: 'Every operation of a linked spec is reachable through some route.',
  docs: {
    what: "For every OpenAPI document linked from a service's `spec`, reports each operation (method + path, with the server prefix) that no route of the services linking it reaches. Specs linked only from retired services are skipped. The finding points into the spec, at the operation.",
    why: "An operation the spec promises but the gateway does not route returns 404 to every client built from the spec. It usually means a route was forgotten, a path was mistyped in the config, or the spec documents an endpoint that was removed.",
    howToFix: "Add the path (and method) to a route of the service, or remove the operation from the spec if it no longer exists. Check that route paths include the prefix of the spec's `servers` URL.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model, _options, context) {
    const bySpec = new Map<string, ServiceLink[]>();
    for (const link of linkModel(model, context.deref)) {
      if (link.service.lifecycle === 'retired') continue;
      const list = bySpec.get(link.spec.path) ?? [];
      list.push(link);
      bySpec.set(link.spec.path, list);
    }
    const results: RuleResult[] = [];
    for (const links of bySpec.values()) {
      const reached = new Set(links.flatMap((l) => l.matches.map((m) => `${m.operation.method} ${m.operation.specPath}`)));
      const services = links.map((l) => `'${l.service.name}'`).join(', ');
      for (const op of links[0]!.operations) {
        if (reached.has(`${op.method} ${op.specPath}`)) continue;
        results.push({ message: `operation ${op.method} ${op.path} is not reachable through any route of service ${services}`, at: op.origin });
      }
    }
    return results;
  },
});
