import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { linkModel } from '../../normalize/spec-link.js';
import { below, endpoint, projectRule, routeName, routePathOrigin, specShown } from './util.js';

export const routeMatchesSpec: ProjectRule = projectRule({
  id: 'route-matches-spec',
  scope: 'project',
  description: "Every route path + method matches an operation of the service's linked spec (no shadow endpoints).",
  docs: {
    what: "For every service with a `spec`, matches each route path and method against the spec's operations (`{param}` segments match any one segment on either side; the spec's `servers[0]` path prefix, or Swagger 2.0 `basePath`, is part of the operation's path; a route without `methods` must match at least one operation at that path; HEAD is served where GET is). Reports each route path with methods that reach no operation, and a `spec` that does not exist or is not an OpenAPI document.",
    why: "A route the spec does not describe is a shadow endpoint: it is exposed through the gateway but invisible to reviewers, API catalogues, security scanners and consumers' generated clients, and nobody checked its auth against the spec. It is also the most common sign of a spec that drifted from what is deployed.",
    howToFix: "Add the operation to the spec if the endpoint is real, or remove or narrow the route (its `paths`/`methods`) if it is not meant to be exposed. Check that the spec's `servers` URL path matches the prefix the routes use. For a missing spec, fix the `spec` path (it is relative to the config file).",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model, _options, context) {
    const results: RuleResult[] = [];
    for (const service of model.services) {
      if (service.specProblem) results.push({ message: `service '${service.name}': ${service.specProblem}`, at: below(service.origin, 'spec') });
    }
    for (const link of linkModel(model, context.deref)) {
      for (const shadow of link.shadows) {
        results.push({
          message: `${routeName(shadow.route)} serves ${endpoint(shadow.methods, shadow.path)}, which is not an operation of ${specShown(link.service)} (a shadow endpoint)`,
          at: routePathOrigin(model, shadow.route, shadow.path),
        });
      }
    }
    return results;
  },
});
