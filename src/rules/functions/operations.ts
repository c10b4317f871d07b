import type { JsonPath } from '../../model/document.js';
import type { RuleContext } from '../../model/rule.js';
import { deref, isObject } from './deref.js';

/** The keys of a Path Item that are operations; everything else (parameters, servers, x-*) is not. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface PathItem {
  /** the path template, e.g. `/pets/{id}` */
  path: string;
  /** the Path Item, `$ref` followed */
  item: Record<string, unknown>;
  /** `['paths', path]` in the logical document */
  at: JsonPath;
}

export interface Operation {
  path: string;
  method: HttpMethod;
  /** the Operation object, `$ref` followed */
  operation: Record<string, unknown>;
  /** the Path Item it belongs to, `$ref` followed */
  pathItem: Record<string, unknown>;
  /** `['paths', path, method]` in the logical document */
  at: JsonPath;
  /** `GET /pets`, for messages */
  label: string;
}

/**
 * The Path Items of `paths`, in document order. Only `paths` is visited: callbacks and 3.1
 * `webhooks` describe requests the API makes, not requests it serves.
 */
export function pathItems(doc: unknown, context: RuleContext): PathItem[] {
  const root = deref(doc, context);
  if (!isObject(root)) return [];
  const paths = deref(root.paths, context);
  if (!isObject(paths)) return [];
  const out: PathItem[] = [];
  for (const path of Object.keys(paths)) {
    if (path.startsWith('x-')) continue;
    const item = deref(paths[path], context);
    if (isObject(item)) out.push({ path, item, at: ['paths', path] });
  }
  return out;
}

/** The operations of one Path Item, in document order. */
export function operationsOf(pathItem: PathItem, context: RuleContext): Operation[] {
  const out: Operation[] = [];
  for (const key of Object.keys(pathItem.item)) {
    const method = key.toLowerCase() as HttpMethod;
    // Keys are case-sensitive in OpenAPI: `GET` is not an operation, only `get` is.
    if (key !== method || !HTTP_METHODS.includes(method)) continue;
    const operation = deref(pathItem.item[key], context);
    if (!isObject(operation)) continue;
    out.push({
      path: pathItem.path, method, operation, pathItem: pathItem.item,
      at: [...pathItem.at, key], label: `${method.toUpperCase()} ${pathItem.path}`,
    });
  }
  return out;
}

/** Every operation of the document (`paths` only), in document order. */
export function operations(doc: unknown, context: RuleContext): Operation[] {
  const out: Operation[] = [];
  for (const item of pathItems(doc, context)) out.push(...operationsOf(item, context));
  return out;
}
