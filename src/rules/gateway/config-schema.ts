import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonPath } from '../../model/document.js';
import { fromPointer } from '../../model/document.js';
import type { DocumentRule, RuleResult } from '../../model/rule.js';
import { describePath, documentRule, isObject } from './util.js';

/** schemas/ at the package root: src/rules/gateway → ../../../schemas, and the same from dist/. */
const SCHEMA_URL = new URL('../../../schemas/gwctl-v1.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

/**
 * The gwctl/v1 schema's validator: the one the build compiled ahead of time (dist/schemas/, by
 * scripts/build-assets.mjs) when there is one, else compiled once per process on first use.
 */
export function gwctlV1Validator(): ValidateFunction {
  if (!validator) {
    try {
      const compiled = createRequire(import.meta.url)('../../schemas/gwctl-v1.validate.cjs') as { default?: ValidateFunction } & ValidateFunction;
      validator = compiled.default ?? compiled;
      return validator;
    } catch {
      // Running from src/ (tests) or a build without the compiled schema: compile it now.
    }
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
    // strictRequired is off because `then: {required: [url]}` names properties declared outside
    // the branch, which is how conditional requirements are written.
    // ajv is required on first use, not imported: runs without gateway configs never pay for it.
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    validator = ajv.compile(schema);
  }
  return validator;
}

const URL_PATTERN = '^[A-Za-z][A-Za-z0-9+.-]*://\\S+$';

/** Patterns of the schema, in words. */
const PATTERN_WORDS: Record<string, string> = {
  '^[a-z0-9][a-z0-9-]*$': 'lower-case letters, digits and dashes, starting with a letter or digit',
  '^/': 'a path starting with /',
  [URL_PATTERN]: 'an absolute URL such as https://host:port',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?$': 'an ISO date such as 2027-06-30',
};

/** Keys whose values may be secrets: never quoted back in a message. */
const SECRETISH = /(token|secret|password|passwd|apikey|api[-_]key|privatekey|private[-_]key)$/i;

export const configSchema: DocumentRule = documentRule({
  id: 'config-schema',
  scope: 'document',
  description: 'The gateway config matches the JSON Schema of its format.',
  docs: {
    what: 'Validates a gwctl/v1 config against schemas/gwctl-v1.schema.json: required keys, allowed values (auth types, lifecycle, approval, …), name syntax, positive rate limits, and no unknown keys (x-* keys are allowed everywhere). Each violation is one finding at the offending key; an unknown key is reported at the key itself, a missing key at the object that lacks it.',
    why: 'A misspelt key (`pathz`, `ratelimit`) is otherwise silently ignored: the route is served without the policy its author believed was there. The schema is the contract every driver renders from, so a config that does not match it cannot be planned or applied safely.',
    howToFix: 'Fix the key or value named in the message: rename unknown keys (check spelling and nesting level), add missing ones, and use one of the listed values. Editors validate while you type when the file starts with `# yaml-language-server: $schema=<path to gwctl-v1.schema.json>`. Keys you want gwctl to ignore can be prefixed with `x-`.',
  },
  formats: ['gwctl-v1'],
  then(input) {
    const validate = gwctlV1Validator();
    if (validate(input)) return [];
    return collapse(validate.errors ?? [], input);
  },
});

interface Problem { path: JsonPath; message: string; missing?: string[]; hint?: string }

/**
 * One finding per instance path: ajv's keyword errors are turned into sentences, the errors of
 * `if` wrappers are dropped (their branch already reported what is wrong), and several missing
 * keys of one object are named in one message.
 */
function collapse(errors: readonly ErrorObject[], data: unknown): RuleResult[] {
  const byPath = new Map<string, Problem>();
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'allOf' || error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    const base = toPath(error.instancePath, data);
    if (error.keyword === 'additionalProperties') {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const path = [...base, key];
      const where = base.length === 0 ? 'the config' : `\`${describePath(base)}\``;
      add(byPath, { path, message: `${where} has an unknown key \`${key}\`; remove it, fix its spelling or nesting, or prefix it with x- to keep it as an annotation` });
      continue;
    }
    if (error.keyword === 'required') {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const key = JSON.stringify(base);
      const known = byPath.get(key);
      if (known?.missing) {
        if (!known.missing.includes(missing)) known.missing.push(missing);
        continue;
      }
      if (known) continue;
      byPath.set(key, { path: base, message: '', missing: [missing], hint: conditionHint(error, missing, valueAt(data, base)) });
      continue;
    }
    const message = sentence(error, base, valueAt(data, base));
    if (message) add(byPath, { path: base, message });
  }
  const results: RuleResult[] = [];
  for (const problem of byPath.values()) {
    if (problem.missing) {
      const where = problem.path.length === 0 ? 'the config' : `\`${describePath(problem.path)}\``;
      const names = problem.missing.map((name) => `\`${name}\``);
      const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
      results.push({ path: problem.path, message: `${where} must have ${list}${problem.hint ?? ''}` });
    } else {
      results.push({ path: problem.path, message: problem.message });
    }
  }
  return results;
}

function add(byPath: Map<string, Problem>, problem: Problem): void {
  const key = JSON.stringify(problem.path);
  if (!byPath.has(key)) byPath.set(key, problem);
}

function sentence(error: ErrorObject, path: JsonPath, value: unknown): string | undefined {
  const where = path.length === 0 ? 'the config' : `\`${describePath(path)}\``;
  const params = error.params as Record<string, unknown>;
  const lastKey = path.length > 0 ? String(path[path.length - 1]) : '';
  const quotable = !SECRETISH.test(lastKey);
  switch (error.keyword) {
    case 'enum': {
      const allowed = [...new Set((params.allowedValues as unknown[]).filter((v) => typeof v === 'string') as string[])];
      const list = allowed.length <= 3 ? allowed.join(' or ') : `one of ${allowed.join(', ')}`;
      return `${where} must be ${list}, got ${shown(value, quotable)}`;
    }
    case 'const':
      return `${where} must be ${String(params.allowedValue)}, got ${shown(value, quotable)}`;
    case 'type':
      return `${where} must be ${typeWords(String(params.type))}, got ${kindOf(value)}`;
    case 'pattern': {
      const words = PATTERN_WORDS[String(params.pattern)] ?? `text matching ${String(params.pattern)}`;
      // Names are not secrets and quoting them shows the offending character; URLs may carry credentials.
      const showValue = quotable && params.pattern !== URL_PATTERN;
      return `${where} must be ${words}${showValue ? `, got ${shown(value, true)}` : ''}`;
    }
    case 'exclusiveMinimum':
      return `${where} must be greater than ${String(params.limit)}, got ${shown(value, quotable)}`;
    case 'minimum':
      return `${where} must be at least ${String(params.limit)}, got ${shown(value, quotable)}`;
    case 'minItems':
      return `${where} must not be empty`;
    case 'minLength':
      return `${where} must not be empty`;
    case 'uniqueItems':
      return `${where} lists the same item twice`;
    default:
      return `${where} ${error.message ?? 'does not match the schema'}`;
  }
}

function conditionHint(error: ErrorObject, missing: string, instance: unknown): string | undefined {
  if (!/\/(then|else)\//.test(error.schemaPath)) return undefined;
  const type = isObject(instance) && typeof instance.type === 'string' ? instance.type : undefined;
  if (missing === 'upstream') return ' (every service that is not kind: ai needs an upstream)';
  if (missing === 'ai') return ' (a kind: ai service needs its provider settings)';
  if (missing === 'url') return ' (forward auth needs the URL of the verifying endpoint)';
  return type ? ` (a ${type} credential needs it)` : undefined;
}

function typeWords(type: string): string {
  switch (type) {
    case 'object': return 'a mapping (key: value)';
    case 'array': return 'a list';
    case 'integer': return 'a whole number';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'string': return 'a string';
    default: return type;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  if (typeof value === 'boolean') return `${String(value)}`;
  return `a ${typeof value}`;
}

function shown(value: unknown, quotable: boolean): string {
  if (!quotable) return kindOf(value);
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return kindOf(value);
}

/** ajv's instancePath as a path with numbers for array indexes (so messages say `routes[0]`). */
function toPath(instancePath: string, data: unknown): JsonPath {
  const path: Array<string | number> = [];
  let node = data;
  for (const seg of fromPointer(instancePath)) {
    if (Array.isArray(node)) {
      const index = Number(seg);
      path.push(index);
      node = node[index];
    } else {
      path.push(seg);
      node = isObject(node) ? node[seg] : undefined;
    }
  }
  return path;
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let node = data;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(seg)];
  }
  return node;
}
