import type { Origin, SourceFile } from '../model/document.js';
import { toPointer } from '../model/document.js';
import type { GatewayModel, Route, Service } from '../model/gateway.js';
import { isObj, type Obj } from './values.js';

/**
 * The link between a service's routes and the operations of its OpenAPI document. Pure: it only
 * reads the parsed spec. Shared by the cross-document rules, `gwctl explain` and the drivers.
 */

export type SchemeKind = 'apiKey' | 'bearer' | 'basic' | 'oauth2' | 'openIdConnect' | 'mutualTLS' | 'other';

export interface OperationSecurity {
  /** the effective requirement (operation `security`, else root): alternatives (OR) of scheme names (AND) */
  alternatives: string[][];
  /** anyone may call: no requirement at all, or `{}` among the alternatives */
  anonymous: boolean;
  /** what each named scheme is; undefined for a name the spec does not define */
  schemes: Record<string, SchemeKind | undefined>;
}

export interface SpecOperation {
  /** upper-case */
  method: string;
  /** the path as the gateway sees it: the server's path prefix + the key under `paths` */
  path: string;
  /** the key under `paths` */
  specPath: string;
  operationId?: string;
  /** `/paths/~1pets/get` in the spec file (the path item, when that is a `$ref`) */
  origin: Origin;
  security: OperationSecurity;
  /** the operation documents a 429 (Too Many Requests) response */
  documents429: boolean;
}

/** A route path + method that reaches a spec operation. */
export interface RouteMatch {
  route: Route;
  /** index into `route.paths` */
  pathIndex: number;
  method: string;
  operation: SpecOperation;
}

/** A route path (and methods) that reaches no operation of the spec. */
export interface ShadowEndpoint {
  route: Route;
  pathIndex: number;
  path: string;
  /** the route's methods that match nothing at this path; empty = the route allows all methods */
  methods: string[];
}

export interface ServiceLink {
  service: Service;
  spec: SourceFile;
  operations: SpecOperation[];
  matches: RouteMatch[];
  shadows: ShadowEndpoint[];
  /** operations no route of this service reaches */
  uncovered: SpecOperation[];
}

type Deref = <T>(node: T) => T;
const identity: Deref = (node) => node;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const cache = new WeakMap<GatewayModel, ServiceLink[]>();

/** The links of every service whose spec loaded, in model order; computed once per model. */
export function linkModel(model: GatewayModel, deref: Deref = identity): ServiceLink[] {
  const known = cache.get(model);
  if (known) return known;
  const links: ServiceLink[] = [];
  for (const service of model.services) {
    const spec = service.spec === undefined ? undefined : model.specs.get(service.spec);
    if (spec) links.push(linkService(service, spec, deref));
  }
  cache.set(model, links);
  return links;
}

export function linkService(service: Service, spec: SourceFile, deref: Deref = identity): ServiceLink {
  const operations = listOperations(spec, deref);
  // Only paths with as many segments can match: bucket by that, so large specs stay linear-ish.
  const bySegments = new Map<number, SpecOperation[]>();
  for (const op of operations) {
    const n = segments(op.path).length;
    const bucket = bySegments.get(n);
    if (bucket) bucket.push(op);
    else bySegments.set(n, [op]);
  }
  const matches: RouteMatch[] = [];
  const shadows: ShadowEndpoint[] = [];
  for (const route of service.routes) {
    route.paths.forEach((routePath, pathIndex) => {
      const candidates = bySegments.get(segments(routePath).length) ?? [];
      const atPath = candidates.filter((op) => pathsMatch(routePath, op.path));
      for (const op of atPath) {
        if (route.methods.length === 0 || route.methods.includes(op.method)) matches.push({ route, pathIndex, method: op.method, operation: op });
      }
      if (route.methods.length === 0) {
        if (atPath.length === 0) shadows.push({ route, pathIndex, path: routePath, methods: [] });
        return;
      }
      // HEAD is GET without a body: every gateway answers it where GET is routed.
      const unmatched = route.methods.filter((m) => !atPath.some((op) => op.method === m || (m === 'HEAD' && op.method === 'GET')));
      if (unmatched.length > 0) shadows.push({ route, pathIndex, path: routePath, methods: unmatched });
    });
  }
  const reached = new Set(matches.map((m) => m.operation));
  return { service, spec, operations, matches, shadows, uncovered: operations.filter((op) => !reached.has(op)) };
}

/** Every operation of an OpenAPI 2.0/3.x document, with the server path prefix applied. */
export function listOperations(spec: SourceFile, deref: Deref = identity): SpecOperation[] {
  const doc = spec.data;
  if (!isObj(doc)) return [];
  const paths = deref(doc.paths);
  if (!isObj(paths)) return [];
  const isOas2 = doc.swagger !== undefined;
  const schemes = securitySchemes(doc, isOas2, deref);
  const rootSecurity = doc.security;
  const out: SpecOperation[] = [];
  for (const [specPath, rawItem] of Object.entries(paths)) {
    if (!specPath.startsWith('/')) continue; // x- extensions
    const viaRef = isObj(rawItem) && typeof rawItem.$ref === 'string';
    const item = deref(rawItem);
    if (!isObj(item)) continue;
    const itemPointer = toPointer(['paths', specPath]);
    for (const method of METHODS) {
      const op = deref(item[method]);
      if (!isObj(op)) continue;
      const prefix = isOas2 ? basePath(doc) : serverPrefix(firstServer(op.servers) ?? firstServer(item.servers) ?? firstServer(doc.servers));
      const operation: SpecOperation = {
        method: method.toUpperCase(),
        path: joinPath(prefix, specPath),
        specPath,
        origin: { file: spec.path, pointer: viaRef ? itemPointer : `${itemPointer}/${method}` },
        security: securityOf(op.security !== undefined ? op.security : rootSecurity, schemes),
        documents429: isObj(deref(op.responses)) && Object.hasOwn(deref(op.responses) as Obj, '429'),
      };
      if (typeof op.operationId === 'string') operation.operationId = op.operationId;
      out.push(operation);
    }
  }
  return out;
}

/**
 * Whether a route path reaches a spec path. Segment by segment: equal text matches, a whole
 * `{param}` segment on either side matches any one segment, and a segment with an embedded
 * template (`{id}.json`) matches text of that shape. A trailing slash is not significant.
 */
export function pathsMatch(routePath: string, specPath: string): boolean {
  const a = segments(routePath);
  const b = segments(specPath);
  if (a.length !== b.length) return false;
  return a.every((seg, i) => segmentsMatch(seg, b[i]!));
}

/** The path with every template written as `{}`: two routes with equal keys serve the same requests. */
export function templateKey(p: string): string {
  return '/' + segments(p).map((seg) => seg.replace(/\{[^}]*\}/g, '{}')).join('/');
}

function segments(p: string): string[] {
  return p.split('/').filter((seg) => seg !== '');
}

function segmentsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  if (isWholeTemplate(a) || isWholeTemplate(b)) return true;
  if (b.includes('{')) return templateRegex(b).test(a) || (a.includes('{') && templateKey(a) === templateKey(b));
  if (a.includes('{')) return templateRegex(a).test(b);
  return false;
}

function isWholeTemplate(seg: string): boolean {
  return /^\{[^{}]+\}$/.test(seg);
}

const regexCache = new Map<string, RegExp>();

function templateRegex(seg: string): RegExp {
  const known = regexCache.get(seg);
  if (known) return known;
  const source = seg.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  const regex = new RegExp(`^${source}$`);
  if (regexCache.size < 10_000) regexCache.set(seg, regex);
  return regex;
}

function joinPath(prefix: string, p: string): string {
  if (prefix === '' || prefix === '/') return p;
  return prefix.replace(/\/+$/, '') + (p.startsWith('/') ? p : `/${p}`);
}

function basePath(doc: Obj): string {
  return typeof doc.basePath === 'string' ? doc.basePath.replace(/\/+$/, '') : '';
}

function firstServer(servers: unknown): Obj | undefined {
  return Array.isArray(servers) && isObj(servers[0]) ? servers[0] : undefined;
}

/** The path part of a server URL, server variables replaced by their defaults. */
export function serverPrefix(server: Obj | undefined): string {
  if (!server || typeof server.url !== 'string') return '';
  const variables = isObj(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObj(variable) && typeof variable.default === 'string' ? variable.default : whole;
  });
  const withoutAuthority = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\/\/[^/]*/, '');
  const pathOnly = (withoutAuthority.split(/[?#]/)[0] ?? '').replace(/^(\.\/)+/, '');
  const normalized = (pathOnly.startsWith('/') ? pathOnly : `/${pathOnly}`).replace(/\/+$/, '');
  return normalized;
}

function securitySchemes(doc: Obj, isOas2: boolean, deref: Deref): Record<string, SchemeKind> {
  const out: Record<string, SchemeKind> = {};
  const components = deref(doc.components);
  const raw = deref(isOas2 ? doc.securityDefinitions : isObj(components) ? components.securitySchemes : undefined);
  if (!isObj(raw)) return out;
  for (const [name, value] of Object.entries(raw)) {
    const scheme = deref(value);
    if (!isObj(scheme)) continue;
    out[name] = schemeKind(scheme);
  }
  return out;
}

function schemeKind(scheme: Obj): SchemeKind {
  switch (scheme.type) {
    case 'apiKey': return 'apiKey';
    case 'basic': return 'basic';
    case 'oauth2': return 'oauth2';
    case 'openIdConnect': return 'openIdConnect';
    case 'mutualTLS': return 'mutualTLS';
    case 'http': {
      const s = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
      return s === 'bearer' ? 'bearer' : s === 'basic' ? 'basic' : 'other';
    }
    default: return 'other';
  }
}

function securityOf(requirement: unknown, schemes: Record<string, SchemeKind>): OperationSecurity {
  const alternatives: string[][] = [];
  if (Array.isArray(requirement)) {
    for (const alternative of requirement) if (isObj(alternative)) alternatives.push(Object.keys(alternative));
  }
  const named: Record<string, SchemeKind | undefined> = {};
  for (const name of alternatives.flat()) named[name] = Object.hasOwn(schemes, name) ? schemes[name] : undefined;
  return { alternatives, anonymous: alternatives.length === 0 || alternatives.some((a) => a.length === 0), schemes: named };
}
