import type { JsonPath, Origin, SourceFile } from '../../model/document.js';
import type { DocumentRule, ProjectRule, RuleResult } from '../../model/rule.js';
import { fromPointer } from '../../model/document.js';
import type { GatewayModel, Route, Service } from '../../model/gateway.js';
import path from 'node:path';

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `services[1].routes[0].paths` for messages. */
export function describePath(p: JsonPath): string {
  let out = '';
  for (const seg of p) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The same, from an origin's pointer (array indexes are the all-digit segments). */
export function describePointer(pointer: string): string {
  return describePath(fromPointer(pointer).map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg)));
}

/** An origin one or more keys below another. */
export function below(origin: Origin, ...keys: Array<string | number>): Origin {
  let pointer = origin.pointer;
  for (const key of keys) pointer += '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');
  return { file: origin.file, pointer };
}

/** The raw data of a config node, for pointing at a key the model does not keep an origin for. */
export function rawAt(model: GatewayModel, origin: Origin): unknown {
  const source: SourceFile | undefined = model.files.find((f) => f.path === origin.file) ?? model.specs.get(origin.file);
  let node: unknown = source?.data;
  for (const seg of fromPointer(origin.pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** Where one of a route's paths is written (`…/paths/2`), else the route itself. */
export function routePathOrigin(model: GatewayModel, route: Route, routePath: string): Origin {
  const raw = rawAt(model, route.origin);
  const paths = isObject(raw) ? raw.paths : undefined;
  const index = Array.isArray(paths) ? paths.indexOf(routePath) : -1;
  return index >= 0 ? below(route.origin, 'paths', index) : route.origin;
}

/** Where a key of a node is written, else the node itself. */
export function keyOrigin(model: GatewayModel, origin: Origin, key: string): Origin {
  const raw = rawAt(model, origin);
  return isObject(raw) && Object.hasOwn(raw, key) ? below(origin, key) : origin;
}

/** "route 'list' of service 'payments-api'" */
export function routeName(route: Route): string {
  return `route '${route.name}' of service '${route.service}'`;
}

/** The linked spec's path as the config file would name it, for messages. */
export function specShown(service: Service): string {
  if (!service.spec) return '';
  const relative = path.relative(path.dirname(service.origin.file), service.spec).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** "GET, POST /v1/x" or "/v1/x (all methods)" */
export function endpoint(methods: readonly string[], p: string): string {
  return methods.length === 0 ? `${p} (all methods)` : `${methods.join(', ')} ${p}`;
}

/**
 * Rules write messages as clauses ("route 'x' of service 'y' has no auth"), which compose well;
 * users see them as sentences, like the OpenAPI rules' messages.
 */
export function sentence(message: string): string {
  const text = message.trim();
  const first = text.charAt(0);
  const capital = /[a-z]/.test(first) ? first.toUpperCase() + text.slice(1) : text;
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function asSentences(results: RuleResult[]): RuleResult[] {
  return results.map((result) => ({ ...result, message: sentence(result.message) }));
}

export function projectRule(rule: ProjectRule): ProjectRule {
  const then = rule.then;
  return { ...rule, then: (model, options, context) => asSentences(then(model, options, context)) };
}

export function documentRule(rule: DocumentRule): DocumentRule {
  const then = rule.then;
  return { ...rule, then: (input, options, context) => asSentences(then(input, options, context)) };
}
