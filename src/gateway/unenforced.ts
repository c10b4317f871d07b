import type { EffectivePolicy, GatewayModel } from '../model/gateway.js';
import { PolicyRefusal, UsageError } from '../model/errors.js';
import type { UnenforcedPolicy } from '../model/plan.js';
import type { Driver } from './driver.js';

/** The names `--allow-unenforced` accepts. */
export const POLICY_NAMES = ['rate-limit', 'key', 'basic', 'jwt', 'oauth2', 'mtls', 'forward', 'tls', 'weight', 'token-budget'] as const;

/**
 * Every policy of the model the driver cannot enforce, per route (or per service for
 * service-wide things such as upstream weights and token budgets).
 */
export function unenforcedPolicies(driver: Driver, policies: readonly EffectivePolicy[], model: GatewayModel): UnenforcedPolicy[] {
  const caps = driver.capabilities;
  const out: UnenforcedPolicy[] = [];
  const seenService = new Set<string>();
  for (const p of policies) {
    const where = { service: p.service.name, route: p.route.name };
    if (p.auth.type !== 'none' && !caps.auth.includes(p.auth.type)) {
      out.push({ policy: p.auth.type, ...where, reason: `${driver.product} cannot check ${p.auth.type} credentials; the route would be served without that auth` });
    }
    if (p.rateLimit && !caps.rateLimit) {
      out.push({ policy: 'rate-limit', ...where, reason: `stock ${driver.product} has no rate limiting` });
    }
    if (seenService.has(p.service.name)) continue;
    seenService.add(p.service.name);
    const weights = new Set((p.service.upstream?.targets ?? []).map((t) => t.weight ?? 1));
    if (weights.size > 1 && !caps.weights) {
      out.push({ policy: 'weight', service: p.service.name, reason: `${driver.product} spreads requests evenly across upstream targets` });
    }
    if (p.service.ai?.tokenBudget && !caps.tokenBudget) {
      out.push({ policy: 'token-budget', service: p.service.name, reason: `${driver.product} cannot count AI tokens` });
    }
  }
  out.push(...driver.unenforced(policies, model));
  return out;
}

export function checkAllowNames(allowed: readonly string[]): void {
  for (const name of allowed) {
    if (!(POLICY_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--allow-unenforced ${name}: unknown policy; use one or more of ${POLICY_NAMES.join(', ')} (comma-separated).`);
    }
  }
}

/** Fail closed: refuse (exit 1) naming routes and policies, unless every one is accepted. */
export function refuseUnenforced(unenforced: readonly UnenforcedPolicy[], allowed: readonly string[], driver: string, verb: string): void {
  const refused = unenforced.filter((u) => !allowed.includes(u.policy));
  if (refused.length === 0) return;
  const byPolicy = new Map<string, string[]>();
  for (const u of refused) {
    const list = byPolicy.get(u.policy) ?? [];
    list.push(u.route ? `${u.service}/${u.route}` : `service ${u.service}`);
    byPolicy.set(u.policy, list);
  }
  const lines = [...byPolicy].map(([policy, where]) => {
    const reason = refused.find((u) => u.policy === policy)!.reason;
    const shown = where.length > 10 ? `${where.slice(0, 10).join(', ')} and ${where.length - 10} more` : where.join(', ');
    return `  - ${policy} (${reason}): ${shown}`;
  });
  const names = [...byPolicy.keys()].join(',');
  throw new PolicyRefusal(`${verb} refused: the config asks for policies the ${driver} target cannot enforce:\n${lines.join('\n')}\nChange the config, use a gateway that enforces them, or accept the gap explicitly with --allow-unenforced ${names}.`);
}
