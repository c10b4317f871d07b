import type { EffectivePolicy, GatewayModel, Per, Protocol, RateLimit, Route, Service } from '../model/gateway.js';

const SECONDS: Record<Per, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/** A limit's rate, for comparing limits written in different units. */
export function requestsPerSecond(limit: { requests: number; per: Per }): number {
  return limit.requests / SECONDS[limit.per];
}

/** Every route's policy after inheritance, in model order (services, then their routes). */
export function effectivePolicies(model: GatewayModel): EffectivePolicy[] {
  const out: EffectivePolicy[] = [];
  for (const service of model.services) {
    for (const route of service.routes) out.push(effectivePolicy(model, service, route));
  }
  return out;
}

/**
 * One route's policy:
 * - auth: the route's, else `gateway.defaults.auth`, else none;
 * - rate limit: the tightest (fewest requests per second) of route, service and gateway default;
 *   a route cannot loosen what the service or gateway sets, so the tightest one is what binds;
 * - protocols: the route's, default [https]; TLS minimum: the gateway's;
 * - upstream: https when every target is https (an AI service without upstream calls its
 *   provider's https endpoint), verify unless `tls.verify: false`;
 * - allowedConsumers: consumers with an approved subscription to the service, of the service's
 *   tenant or to a public service; ['*'] when the route lets anyone in (public, or no auth).
 */
export function effectivePolicy(model: GatewayModel, service: Service, route: Route): EffectivePolicy {
  const auth = route.auth ?? model.gateway?.defaults?.auth ?? { type: 'none' as const };
  const policy: EffectivePolicy = {
    route,
    service,
    auth,
    protocols: route.protocols.length > 0 ? route.protocols : (['https'] satisfies Protocol[]),
    upstreamTls: upstreamTls(service),
    allowedConsumers: auth.type === 'none' || route.public ? ['*'] : allowedConsumers(model, service),
  };
  if (service.tenant !== undefined) policy.tenant = service.tenant;
  const limit = tightest([route.rateLimit, service.rateLimit, model.gateway?.defaults?.rateLimit]);
  if (limit) policy.rateLimit = limit;
  const minVersion = model.gateway?.tls?.minVersion;
  if (minVersion !== undefined) policy.minTlsVersion = minVersion;
  return policy;
}

const allowedCache = new WeakMap<GatewayModel, Map<Service, string[]>>();

/**
 * The consumers the access rules let call a service (ignoring route-level `public`). Computed
 * once per service of a model: several rules and `explain` ask for every route.
 */
export function allowedConsumers(model: GatewayModel, service: Service): string[] {
  let perService = allowedCache.get(model);
  if (!perService) allowedCache.set(model, (perService = new Map()));
  let names = perService.get(service);
  if (!names) perService.set(service, (names = computeAllowed(model, service)));
  return [...names];
}

function computeAllowed(model: GatewayModel, service: Service): string[] {
  const names: string[] = [];
  for (const consumer of model.consumers) {
    if (consumer.tenant === undefined) continue;
    const sameTenant = service.tenant !== undefined && consumer.tenant === service.tenant;
    if (!sameTenant && service.visibility !== 'public') continue;
    if (consumer.subscriptions.some((s) => s.service === service.name && s.status === 'approved')) names.push(consumer.name);
  }
  return names;
}

export function tightest(limits: ReadonlyArray<RateLimit | undefined>): RateLimit | undefined {
  let best: RateLimit | undefined;
  for (const limit of limits) {
    // On a tie the first (most specific) one wins, so findings and tables point at the route's own.
    if (limit && (!best || requestsPerSecond(limit) < requestsPerSecond(best))) best = limit;
  }
  return best;
}

function upstreamTls(service: Service): { https: boolean; verify: boolean } {
  const targets = service.upstream?.targets ?? [];
  const https = targets.length > 0
    ? targets.every((t) => /^https:\/\//i.test(t.url))
    : service.kind === 'ai' && service.upstream === undefined;
  return { https, verify: service.upstream?.tls?.verify !== false };
}
