import path from 'node:path';
import type { Origin, SourceFile } from '../model/document.js';
import type { EffectivePolicy, GatewayModel, RateLimit, Service } from '../model/gateway.js';
import type { CoverageRow } from '../model/report.js';
import { effectivePolicy } from '../normalize/effective-policy.js';
import { linkModel, type ServiceLink, type SpecOperation } from '../normalize/spec-link.js';

export interface ExplainOptions {
  /** `file` of every row is shown relative to this folder (default: absolute paths) */
  cwd?: string;
  /** follows `$ref`s in linked specs (Workspace.deref) */
  deref?: <T>(node: T) => T;
}

/**
 * The effective-policy table of a gateway model, one row per:
 * - route (`kind: 'route'`): its paths, methods and hosts with the effective auth, rate limit,
 *   TLS, upstream and callers;
 * - spec operation reached through a route (`'operation'`), right after that route, with the
 *   route's policy and the operation's place in the spec;
 * - route path + methods that reach no operation of the linked spec (`'shadow-route'`);
 * - spec operation no route reaches (`'uncovered-operation'`), after the service's routes.
 * Services are grouped by tenant (sorted by name; services without a tenant last), in config
 * order within a tenant. Pure: reads only the model (positions come from its parsed files).
 */
export function explainRows(model: GatewayModel, options: ExplainOptions = {}): CoverageRow[] {
  const links = new Map<Service, ServiceLink>();
  for (const link of linkModel(model, options.deref)) links.set(link.service, link);
  const where = placeFinder(model, options.cwd);
  const services = model.services
    .map((service, index) => ({ service, index }))
    .sort((a, b) => tenantOrder(a.service.tenant, b.service.tenant) || a.index - b.index)
    .map(({ service }) => service);

  const rows: CoverageRow[] = [];
  for (const service of services) {
    const link = links.get(service);
    for (const route of service.routes) {
      const policy = effectivePolicy(model, service, route);
      const base = policyColumns(policy, model);
      rows.push({
        kind: 'route', ...tenantOf(service), service: service.name, route: route.name,
        methods: [...route.methods], paths: [...route.paths], hosts: [...route.hosts],
        ...base, ...where(route.origin),
      });
      if (!link) continue;
      const seen = new Set<SpecOperation>();
      for (const match of link.matches) {
        if (match.route !== route || seen.has(match.operation)) continue;
        seen.add(match.operation);
        const op = match.operation;
        rows.push({
          kind: 'operation', ...tenantOf(service), service: service.name, route: route.name,
          operation: `${op.method} ${op.path}`, methods: [op.method], paths: [op.path], hosts: [...route.hosts],
          ...base, ...where(op.origin),
        });
      }
      for (const shadow of link.shadows) {
        if (shadow.route !== route) continue;
        rows.push({
          kind: 'shadow-route', ...tenantOf(service), service: service.name, route: route.name,
          methods: [...shadow.methods], paths: [shadow.path], hosts: [...route.hosts],
          ...base, ...where(pathOrigin(model, route.origin, shadow.pathIndex, route.paths[shadow.pathIndex]!)),
        });
      }
    }
    for (const op of link?.uncovered ?? []) {
      const row: CoverageRow = {
        kind: 'uncovered-operation', ...tenantOf(service), service: service.name,
        operation: `${op.method} ${op.path}`, methods: [op.method], paths: [op.path], hosts: [],
        auth: '-', tls: '-', callers: [], ...where(op.origin),
      };
      rows.push(row);
    }
  }
  return rows;
}

function tenantOrder(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function tenantOf(service: Service): { tenant?: string } {
  return service.tenant === undefined ? {} : { tenant: service.tenant };
}

type PolicyColumns = Pick<CoverageRow, 'auth' | 'tls' | 'callers'> & { rateLimit?: string; upstream?: string };

function policyColumns(policy: EffectivePolicy, model: GatewayModel): PolicyColumns {
  const { route, service } = policy;
  let auth: string = policy.auth.type;
  if (policy.auth.type === 'key' && 'header' in policy.auth && policy.auth.header) auth += ` (${policy.auth.header})`;
  if (!route.auth && policy.auth.type !== 'none') auth += ' [default]';
  if (route.public) auth += ' [public]';
  const out: PolicyColumns = {
    auth,
    tls: policy.protocols.join('+') + (policy.minTlsVersion ? ` tls>=${policy.minTlsVersion}` : ''),
    callers: [...policy.allowedConsumers],
  };
  if (policy.rateLimit) out.rateLimit = describeLimit(policy.rateLimit, policy, model);
  const upstream = describeUpstream(service, policy);
  if (upstream) out.upstream = upstream;
  return out;
}

function describeLimit(limit: RateLimit, policy: EffectivePolicy, model: GatewayModel): string {
  const source = limit === policy.route.rateLimit ? '' : limit === policy.service.rateLimit ? ' [service]'
    : limit === model.gateway?.defaults?.rateLimit ? ' [default]' : '';
  return `${limit.requests}/${limit.per} per ${limit.key}${source}`;
}

function describeUpstream(service: Service, policy: EffectivePolicy): string | undefined {
  const targets = service.upstream?.targets ?? [];
  if (targets.length === 0) return service.ai ? `ai:${service.ai.provider}` : undefined;
  const urls = targets.map((t) => safeUrl(t.url)).join(', ');
  return policy.upstreamTls.verify ? urls : `${urls} (verify off)`;
}

/** Scheme, host, port and path; never userinfo or query, which may carry credentials. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

function pathOrigin(model: GatewayModel, routeOrigin: Origin, index: number, value: string): Origin {
  // The model drops non-string paths, so look the written index up rather than trusting `index`.
  const file = model.files.find((f) => f.path === routeOrigin.file);
  let node: unknown = file?.data;
  for (const seg of routeOrigin.pointer.split('/').slice(1)) node = (node as Record<string, unknown> | undefined)?.[seg];
  const paths = (node as { paths?: unknown } | undefined)?.paths;
  const written = Array.isArray(paths) ? paths.indexOf(value) : -1;
  return { file: routeOrigin.file, pointer: `${routeOrigin.pointer}/paths/${written >= 0 ? written : index}` };
}

/** `file` (relative to cwd when given) and `line` of an origin. */
function placeFinder(model: GatewayModel, cwd: string | undefined): (origin: Origin) => { file: string; line?: number } {
  const sources = new Map<string, SourceFile>();
  for (const file of model.files) sources.set(file.path, file);
  for (const [file, source] of model.specs) sources.set(file, source);
  return (origin) => {
    const file = cwd ? (path.relative(cwd, origin.file) || '.').split(path.sep).join('/') : origin.file;
    const range = sources.get(origin.file)?.locate([origin.pointer]).get(origin.pointer);
    return range ? { file, line: range.line } : { file };
  };
}
