import type { AuthType } from '../../model/gateway.js';
import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { effectivePolicy } from '../../normalize/effective-policy.js';
import { linkModel, type SchemeKind, type SpecOperation } from '../../normalize/spec-link.js';
import { projectRule, routeName, specShown } from './util.js';

/** Which gateway auth types enforce each kind of OpenAPI security scheme. */
const FITS: Record<SchemeKind, readonly AuthType[]> = {
  apiKey: ['key'],
  bearer: ['jwt'],
  basic: ['basic'],
  oauth2: ['oauth2', 'jwt'],
  openIdConnect: ['oauth2', 'jwt'],
  mutualTLS: ['mtls'],
  other: [],
};

export const authMatchesSpec: ProjectRule = projectRule({
  id: 'auth-matches-spec',
  scope: 'project',
  description: "A route's effective auth fits the security schemes of the spec operations it serves.",
  docs: {
    what: "For every route path + method that reaches an operation of the linked spec, compares the route's effective auth with the operation's effective security requirement: apiKey needs `key`, http bearer needs `jwt`, http basic needs `basic`, oauth2 and openIdConnect need `oauth2` or `jwt`, mutualTLS needs `mtls`; `forward` auth delegates to a verifier and fits any scheme. One fitting scheme in any alternative is enough. A secured operation behind a route that is `public` or has no auth is reported. Operations that allow anonymous access (no security, or `{}`) accept any route auth.",
    why: "The spec is what consumers build clients from and what reviewers approved. If the gateway checks a different credential than the spec documents, clients fail (they send a bearer token, the gateway wants an API key) or, worse, the gateway lets through requests the backend assumes were authenticated.",
    howToFix: "Change the route's `auth` (or `gateway.defaults.auth`) to the type the spec's security scheme calls for, or fix the spec's `security` if the gateway is right. Remove `public: true` from routes serving secured operations.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model, _options, context) {
    const results: RuleResult[] = [];
    for (const link of linkModel(model, context.deref)) {
      const seen = new Set<string>();
      for (const match of link.matches) {
        const { route, operation } = match;
        const key = `${route.name}\0${operation.method} ${operation.specPath}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const { security } = operation;
        if (security.anonymous) continue;
        const policy = effectivePolicy(model, link.service, route);
        const at = route.auth?.origin ?? route.origin;
        const op = `${operation.method} ${operation.path} in ${specShown(link.service)}`;
        if (route.public || policy.auth.type === 'none') {
          results.push({ message: `${routeName(route)} is ${route.public ? 'public' : 'without auth'}, but ${op} requires ${requirement(operation)}`, at });
          continue;
        }
        const type = policy.auth.type;
        if (type === 'forward') continue;
        const kinds = security.alternatives.flat().map((name) => security.schemes[name]);
        // Schemes the spec does not define are oas-security-scheme-defined's finding, not a mismatch.
        if (kinds.every((k) => k === undefined)) continue;
        const fits = security.alternatives.some((alt) => alt.some((name) => {
          const kind = security.schemes[name];
          return kind !== undefined && FITS[kind].includes(type);
        }));
        if (fits) continue;
        const wanted = [...new Set(kinds.flatMap((k) => (k ? FITS[k] : [])))];
        const advice = wanted.length > 0 ? `; use auth type ${wanted.join(' or ')}` : '';
        results.push({ message: `${routeName(route)} uses ${type} auth, but ${op} requires ${requirement(operation)}${advice}`, at });
      }
    }
    return results;
  },
});

function requirement(operation: SpecOperation): string {
  const { alternatives, schemes } = operation.security;
  return alternatives
    .map((alt) => alt.map((name) => `${name}${schemes[name] ? ` (${schemes[name]})` : ''}`).join(' + '))
    .join(' or ');
}
