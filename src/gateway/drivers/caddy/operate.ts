import { GatewayError, PolicyRefusal } from '../../../model/errors.js';
import type { Change } from '../../../model/plan.js';
import { canonicalJson } from '../../../plan/canonical.js';
import type { ApplyOutcome, ApplyStep } from '../../driver.js';
import type { HttpClient } from '../../http.js';
import { isObject, caddyIds, type CaddyNative, type CaddyOptions, type CaddySnapshot, type Json, type JsonObject } from './types.js';

/**
 * Writes the plan into Caddy. Everything is guarded by `If-Match` with the ETag of the config the
 * plan was computed against (Caddy checks it against the whole config, whatever path is written),
 * so a concurrent writer turns into a 412, never a silent overwrite. `POST /load` would ignore
 * If-Match, so it is never used.
 *
 * Usually this is a single write: the managed server (`apps.http.servers.<server>`). TLS adds one
 * entry in the tls app (an automation policy or a loaded certificate), written before the server
 * when created and after it when removed. Between writes the config is re-read and compared with
 * what the previous write should have produced, which also yields the next ETag; on any failure
 * the steps already done are undone in reverse and the outcome says exactly what happened.
 */

type Segment = string | number;

interface Op {
  method: 'PUT' | 'PATCH' | 'DELETE';
  path: Segment[];
  body?: Json;
}

interface Step {
  description: string;
  /** the @id this step writes (for undo) */
  id: string;
  /** where the object lives; an array when the object is one entry in it */
  home: { path: string[]; array: boolean };
  /** the value to write, or undefined to delete */
  value?: JsonObject;
}

export class StaleConfigError extends PolicyRefusal {}

export async function applyCaddy(
  http: HttpClient, options: CaddyOptions, changes: readonly Change[], native: CaddyNative, snapshot: CaddySnapshot,
): Promise<ApplyOutcome> {
  const ids = caddyIds(options.server);
  const touched = (kind: string, actions: string[]) => changes.some((c) => c.kind === kind && actions.includes(c.action));
  const tlsPolicyHome = { path: ['apps', 'tls', 'automation', 'policies'], array: true };
  const tlsCertHome = { path: ['apps', 'tls', 'certificates', 'load_files'], array: true };
  const steps: Step[] = [];
  if (touched('tls-certificate', ['create', 'update']) && native.tlsCertificate) {
    steps.push({ description: `write the TLS certificate entry ${ids.tlsCertificate}`, id: ids.tlsCertificate, home: tlsCertHome, value: native.tlsCertificate });
  }
  if (touched('tls-policy', ['create', 'update']) && native.tlsPolicy) {
    steps.push({ description: `write the TLS automation policy ${ids.tlsPolicy}`, id: ids.tlsPolicy, home: tlsPolicyHome, value: native.tlsPolicy });
  }
  if (touched('server', ['create', 'update', 'delete']) || touched('route', ['create', 'update', 'delete'])) {
    const routes = Array.isArray(native.server.routes) ? native.server.routes.length : 0;
    steps.push({ description: `write the server ${options.server} (${routes} routes)`, id: ids.server, home: { path: ['apps', 'http', 'servers', options.server], array: false }, value: native.server });
  }
  if (touched('tls-policy', ['delete'])) steps.push({ description: `remove the TLS automation policy ${ids.tlsPolicy}`, id: ids.tlsPolicy, home: tlsPolicyHome });
  if (touched('tls-certificate', ['delete'])) steps.push({ description: `remove the TLS certificate entry ${ids.tlsCertificate}`, id: ids.tlsCertificate, home: tlsCertHome });

  const outcome: ApplyOutcome = { steps: [] };
  let config: Json = snapshot.config;
  let etag = snapshot.etag;
  if (etag !== undefined) outcome.etag = etag;
  const done: Array<{ step: Step; before: Json; record: ApplyStep }> = [];

  for (const step of steps) {
    const op = opFor(step, config);
    if (!op) continue;
    const record: ApplyStep = { request: `${op.method} ${configUrl(op.path)}`, description: step.description, status: 'failed' };
    outcome.steps.push(record);
    try {
      await send(http, op, etag);
      const expected = simulate(config, op);
      const after = await readConfig(http);
      record.status = 'done';
      done.push({ step, before: config, record });
      if (canonicalJson(after.config) !== canonicalJson(expected)) {
        throw new StaleConfigError('the Caddy config changed while gwctl was applying (another writer); the steps done are undone. Re-run plan.');
      }
      config = after.config;
      etag = after.etag;
      if (etag !== undefined) outcome.etag = etag;
    } catch (error) {
      record.error = messageOf(error);
      outcome.error = describeFailure(error, done.length > 0);
      await undo(http, done, outcome);
      return outcome;
    }
  }
  return outcome;
}

/** The request that puts `step.value` at its home (creating missing parents), or removes it. */
function opFor(step: Step, config: Json): Op | undefined {
  const { path, array } = step.home;
  const container = get(config, path);
  if (step.value === undefined) {
    if (!array || !Array.isArray(container)) return undefined;
    const index = container.findIndex((e) => isObject(e) && e['@id'] === step.id);
    return index === -1 ? undefined : { method: 'DELETE', path: [...path, index] };
  }
  if (array) {
    if (Array.isArray(container)) {
      const index = container.findIndex((e) => isObject(e) && e['@id'] === step.id);
      // A new entry goes first: gwctl's names are specific; a catch-all policy must stay after it.
      return index === -1 ? { method: 'PUT', path: [...path, 0], body: step.value } : { method: 'PATCH', path: [...path, index], body: step.value };
    }
    return create(config, path, [step.value]);
  }
  if (container !== undefined) return { method: 'PATCH', path, body: step.value };
  return create(config, path, step.value);
}

/** PUT at the deepest missing key, with the rest of the path as nested objects. */
function create(config: Json, path: string[], value: Json): Op {
  let depth = 0;
  while (depth < path.length && get(config, path.slice(0, depth + 1)) !== undefined) depth++;
  let body: Json = value;
  for (let i = path.length - 1; i > depth; i--) body = { [path[i]!]: body };
  if (config === null || config === undefined) {
    // An empty Caddy: the whole config is one new object.
    let whole: Json = value;
    for (let i = path.length - 1; i >= 0; i--) whole = { [path[i]!]: whole };
    return { method: 'PATCH', path: [], body: whole };
  }
  return { method: 'PUT', path: path.slice(0, depth + 1), body };
}

async function undo(http: HttpClient, done: Array<{ step: Step; before: Json; record: ApplyStep }>, outcome: ApplyOutcome): Promise<void> {
  for (const { step, before, record } of [...done].reverse()) {
    try {
      const current = await readConfig(http);
      const op = undoOp(step, before, current.config);
      if (op) await send(http, op, current.etag);
      record.status = 'undone';
      const after = await readConfig(http);
      if (after.etag !== undefined) outcome.etag = after.etag;
    } catch (error) {
      record.status = 'undo-failed';
      record.error = `${record.error ? `${record.error}; ` : ''}undo failed: ${messageOf(error)}`;
    }
  }
}

/** The request that puts back what `step` changed: the previous value, or nothing at all. */
function undoOp(step: Step, before: Json, current: Json): Op | undefined {
  const { path, array } = step.home;
  const previous = locate(before, step);
  const container = get(current, path);
  if (previous === undefined) {
    if (get(before, path) === undefined) {
      // The step created parents too (apps.tls, …): remove from the first one that was missing.
      let depth = path.length;
      while (depth > 1 && get(before, path.slice(0, depth - 1)) === undefined) depth--;
      return get(current, path.slice(0, depth)) === undefined ? undefined : { method: 'DELETE', path: path.slice(0, depth) };
    }
    if (!array) return { method: 'DELETE', path };
    if (!Array.isArray(container)) return undefined;
    const index = container.findIndex((e) => isObject(e) && e['@id'] === step.id);
    return index === -1 ? undefined : { method: 'DELETE', path: [...path, index] };
  }
  if (!array) return container === undefined ? create(current, path, previous.value) : { method: 'PATCH', path, body: previous.value };
  if (!Array.isArray(container)) return create(current, path, [previous.value]);
  const index = container.findIndex((e) => isObject(e) && e['@id'] === step.id);
  if (index !== -1) return { method: 'PATCH', path: [...path, index], body: previous.value };
  return { method: 'PUT', path: [...path, Math.min(previous.index, container.length)], body: previous.value };
}

function locate(config: Json, step: Step): { value: JsonObject; index: number } | undefined {
  const container = get(config, step.home.path);
  if (step.home.array) {
    if (!Array.isArray(container)) return undefined;
    const index = container.findIndex((e) => isObject(e) && e['@id'] === step.id);
    return index === -1 ? undefined : { value: container[index] as JsonObject, index };
  }
  return isObject(container) ? { value: container, index: 0 } : undefined;
}

async function send(http: HttpClient, op: Op, etag: string | undefined): Promise<void> {
  const headers: Record<string, string> = {};
  if (etag !== undefined) headers['if-match'] = etag;
  const options: { headers: Record<string, string>; accept: number[]; json?: Json; idempotent: boolean } = {
    headers, accept: [412], idempotent: false,
  };
  if (op.body !== undefined) options.json = op.body;
  const response = await http.request(op.method, configUrl(op.path), options);
  if (response.status === 412) {
    throw new StaleConfigError('the gateway changed since the plan (Caddy answered 412 to If-Match); re-run plan.');
  }
}

async function readConfig(http: HttpClient): Promise<{ config: Json; etag?: string }> {
  const response = await http.request('GET', '/config/');
  const config = (response.text.trim() === '' ? null : JSON.parse(response.text)) as Json;
  const etag = response.trailers.etag;
  return etag === undefined ? { config } : { config, etag };
}

function configUrl(path: readonly Segment[]): string {
  return `/config/${path.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

function get(config: Json | undefined, path: readonly Segment[]): Json | undefined {
  let node: Json | undefined = config;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObject(node) && typeof key === 'string') node = Object.hasOwn(node, key) ? node[key] : undefined;
    else return undefined;
  }
  return node;
}

/** What Caddy's config should be after `op` (its PUT inserts into arrays, PATCH replaces). */
export function simulate(config: Json, op: Op): Json {
  if (op.path.length === 0) return op.method === 'DELETE' ? null : structuredClone(op.body ?? null);
  const root = structuredClone(config ?? {}) as Json;
  const parent = get(root, op.path.slice(0, -1));
  const key = op.path[op.path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (op.method === 'PUT') parent.splice(key, 0, structuredClone(op.body!));
    else if (op.method === 'PATCH') parent[key] = structuredClone(op.body!);
    else parent.splice(key, 1);
  } else if (isObject(parent)) {
    if (op.method === 'DELETE') delete parent[String(key)];
    else parent[String(key)] = structuredClone(op.body!);
  }
  return root;
}

function describeFailure(error: unknown, undoing: boolean): Error {
  if (error instanceof StaleConfigError) return error;
  if (error instanceof GatewayError && error.details.status !== undefined) {
    const bind = /listen|bind|address already in use/i.test(error.message)
      ? ' Caddy 2.6.2 may keep a rejected listener open after a failed load (caddyserver/caddy#7175); restart Caddy if that port stays busy.'
      : '';
    return new ApplyRefusedByGateway(`${error.message}${undoing ? ' The steps already done were undone.' : ''}${bind}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Caddy rejected a write (bad config): the apply failed, exit 1. */
export class ApplyRefusedByGateway extends PolicyRefusal {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
