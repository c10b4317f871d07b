import type { Route } from '../../model/gateway.js';
import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { templateKey } from '../../normalize/spec-link.js';
import { projectRule, routePathOrigin } from './util.js';

interface Entry { route: Route; path: string }

export const routeUnique: ProjectRule = projectRule({
  id: 'route-unique',
  scope: 'project',
  description: 'No two routes, in any tenant, match the same host + path + method.',
  docs: {
    what: "Reports a route path that another route (of any service or tenant, in any merged file) already serves for an overlapping host and method. Paths are compared with templates made equal (`/items/{id}` and `/items/{itemId}` are the same path); a literal segment (`/items/mine`) is more specific than a template and does not collide with it. No `hosts` means every host; no `methods` means every method.",
    why: "When two routes match the same request the gateway picks one by an internal priority that differs between Caddy, Kong and APISIX, so the same config behaves differently per target and one team's route can silently capture another tenant's traffic, with that route's auth and limits.",
    howToFix: "Remove the duplicate, narrow one route by `hosts` or `methods`, or give it a distinct path. If two services really share a path, put them behind different hosts.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const byPath = new Map<string, Entry[]>();
    const results: RuleResult[] = [];
    for (const service of model.services) {
      for (const route of service.routes) {
        const reported = new Set<Route>();
        for (const path of new Set(route.paths)) {
          const key = templateKey(path);
          const earlier = byPath.get(key) ?? [];
          const clash = earlier.find((e) => e.route !== route && !reported.has(e.route) && overlaps(e.route.hosts, route.hosts) && overlaps(e.route.methods, route.methods));
          if (clash) {
            reported.add(clash.route);
            results.push({
              message: `route '${route.name}' of service '${route.service}' serves ${describe(route, clash.route, path)} like route '${clash.route.name}' of service '${clash.route.service}' (${clash.path}); the gateway would pick one of them`,
              at: routePathOrigin(model, route, path),
            });
          }
          earlier.push({ route, path });
          byPath.set(key, earlier);
        }
      }
    }
    return results;
  },
});

/** Empty = everything; hosts compare case-insensitively with `*.` wildcards. */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  return a.some((x) => b.some((y) => sameHost(x, y)));
}

function sameHost(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const wild = (pattern: string, host: string) => pattern.startsWith('*.') && host.endsWith(pattern.slice(1));
  return wild(x, y) || wild(y, x);
}

function describe(route: Route, other: Route, path: string): string {
  const methods = route.methods.length === 0 ? other.methods : other.methods.length === 0 ? route.methods : route.methods.filter((m) => other.methods.includes(m));
  return methods.length === 0 ? `${path} (all methods)` : `${methods.join(', ')} ${path}`;
}
