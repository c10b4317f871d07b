import type { JsonPath } from '../../model/document.js';
import type { RuleContext } from '../../model/rule.js';
import { deref, isObject } from './deref.js';
import { operationsOf, pathItems } from './operations.js';
import { fillVariable } from './url.js';

/**
 * Swagger 2.0 or not. Our runner says which kind it lints; under spectral-core there is no kind,
 * so the document's own `swagger` field decides.
 */
export function isSwagger2(doc: unknown, context: RuleContext): boolean {
  if (context.kind) return context.kind === 'oas2';
  const root = deref(doc, context);
  return isObject(root) && root.swagger !== undefined;
}

export interface SecurityScheme {
  name: string;
  /** the Security Scheme object, `$ref` followed */
  scheme: Record<string, unknown>;
  /** where it is in the logical document */
  at: JsonPath;
}

export interface SecuritySchemes {
  /** `components.securitySchemes` (OAS 3) or `securityDefinitions` (Swagger 2.0), for messages */
  where: string;
  schemes: SecurityScheme[];
  /** every defined name, including entries that are not objects */
  names: Set<string>;
}

export function securitySchemes(doc: unknown, context: RuleContext): SecuritySchemes {
  const root = deref(doc, context);
  const swagger2 = isSwagger2(root, context);
  const out: SecuritySchemes = { where: swagger2 ? 'securityDefinitions' : 'components.securitySchemes', schemes: [], names: new Set() };
  if (!isObject(root)) return out;
  let map: unknown;
  let at: JsonPath;
  if (swagger2) {
    map = deref(root.securityDefinitions, context);
    at = ['securityDefinitions'];
  } else {
    const components = deref(root.components, context);
    map = isObject(components) ? deref(components.securitySchemes, context) : undefined;
    at = ['components', 'securitySchemes'];
  }
  if (!isObject(map)) return out;
  for (const name of Object.keys(map)) {
    out.names.add(name);
    const scheme = deref(map[name], context);
    if (isObject(scheme)) out.schemes.push({ name, scheme, at: [...at, name] });
  }
  return out;
}

export interface ServerEntry {
  /** the Server object, `$ref` followed */
  server: Record<string, unknown>;
  /** where the Server object is in the logical document */
  at: JsonPath;
  /** `the document`, `path /pets`, `operation GET /pets`, for messages */
  owner: string;
}

/** The OAS 3 Server objects of the document, its Path Items and its operations, in document order. */
export function servers(doc: unknown, context: RuleContext): ServerEntry[] {
  const root = deref(doc, context);
  if (!isObject(root)) return [];
  const out: ServerEntry[] = [];
  const add = (list: unknown, at: JsonPath, owner: string) => {
    const items = deref(list, context);
    if (!Array.isArray(items)) return;
    items.forEach((item, index) => {
      const server = deref(item, context);
      if (isObject(server)) out.push({ server, at: [...at, 'servers', index], owner });
    });
  };
  add(root.servers, [], 'the document');
  for (const item of pathItems(root, context)) {
    add(item.item.servers, item.at, `path ${item.path}`);
    for (const op of operationsOf(item, context)) add(op.operation.servers, op.at, `operation ${op.label}`);
  }
  return out;
}

export interface VariableValue {
  /** the variable's name */
  name: string;
  /** `its default` or `an enum value`, for messages */
  role: string;
  /** the server URL with this variable (only) replaced by the value */
  url: string;
  /** where the value is in the logical document */
  at: JsonPath;
}

/**
 * Every value (`default` and `enum`) of the variables a server URL uses, each with the URL it
 * gives. Values can turn a harmless template (`{base}/v1`) into an http URL or one with
 * credentials, so rules on URLs check these too.
 */
export function variableValues({ server, at }: ServerEntry, context: RuleContext): VariableValue[] {
  const url = server.url;
  const variables = deref(server.variables, context);
  if (typeof url !== 'string' || !isObject(variables)) return [];
  const out: VariableValue[] = [];
  for (const name of Object.keys(variables)) {
    if (!url.includes(`{${name}}`)) continue;
    const variable = deref(variables[name], context);
    if (!isObject(variable)) continue;
    const base = [...at, 'variables', name];
    if (typeof variable.default === 'string') {
      out.push({ name, role: 'its default', url: fillVariable(url, name, variable.default), at: [...base, 'default'] });
    }
    const values = deref(variable.enum, context);
    if (!Array.isArray(values)) continue;
    values.forEach((value, index) => {
      if (typeof value === 'string') out.push({ name, role: 'an enum value', url: fillVariable(url, name, value), at: [...base, 'enum', index] });
    });
  }
  return out;
}

/**
 * A `security` list that lets a caller in without credentials: missing, `[]`, or only empty
 * requirements (`[{}]`). A list that mixes `{}` with a real requirement makes auth optional; it is
 * not anonymous-only, so it passes (see oas-auth-required's docs).
 */
export function isAnonymousOnly(list: unknown): boolean {
  if (!Array.isArray(list)) return true;
  return list.every((requirement) => !isObject(requirement) || Object.keys(requirement).length === 0);
}
