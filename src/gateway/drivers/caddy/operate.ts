import { GatewayError, PolicyRefusal } from '../../../model/errors.js';
import type { Change } from '../../../model/plan.js';
import { canonicalJson } from '../../../plan/canonical.js';
import type { ApplyOutcome, ApplyStep } from '../../driver.js';
import { TransportError, type HttpClient } from '../../http.js';
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
 * the steps already done are undone in reverse and the outcome says exactly what happened. A write
 * whose answer was lost is settled by that re-read (see `write`), so every step ends as done,
 * failed, undone, undo-failed, or — only when Caddy cannot be read at all — unknown.
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

  for (const [index, step] of steps.entries()) {
    const op = opFor(step, config);
    if (!op) continue;
    const record: ApplyStep = { request: `${op.method} ${configUrl(op.path)}`, description: step.description, status: 'failed' };
    outcome.steps.push(record);
    const written = await write(http, op, config, etag);
    if (written.effect === 'applied') {
      record.status = 'done';
      done.push({ step, before: config, record });
    } else if (written.effect === 'unknown') {
      record.status = 'unknown';
    }
    if (written.note) record.note = written.note;
    if (written.after) {
      config = written.after.config;
      etag = written.after.etag;
      if (etag !== undefined) outcome.etag = etag;
    }
    if (written.error) {
      record.error = messageOf(written.error);
      const rest = steps.slice(index + 1).flatMap((later) => {
        const next = opFor(later, config);
        return next ? [{ request: `${next.method} ${configUrl(next.path)}`, description: later.description }] : [];
      });
      if (rest.length > 0) outcome.pending = rest;
      outcome.error = describeFailure(written.error, written.effect);
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

interface Written {
  /** whether the write is in effect on Caddy now */
  effect: 'applied' | 'not-applied' | 'unknown';
  /** the config after the write, when it could be read */
  after?: { config: Json; etag?: string };
  /** set when the step must count as failed (the apply stops and undoes) */
  error?: unknown;
  /** how the effect was established when Caddy's answer was lost */
  note?: string;
}

/**
 * One guarded write, then a re-read that both verifies it and yields the next ETag. When the
 * answer is lost (connection reset, timeout, a proxy's 502/503/504, Caddy killed) the write may or
 * may not have landed, so the re-read decides: the config the write should produce → applied; the
 * config as it was → not applied; no answer at all → unknown. Never a guess.
 */
async function write(http: HttpClient, op: Op, before: Json, etag: string | undefined): Promise<Written> {
  const expected = canonicalJson(simulate(before, op));
  let sendError: unknown;
  try {
    await send(http, op, etag);
  } catch (error) {
    // Refused before anything changed: the If-Match guard, or a connection that was never made.
    if (error instanceof StaleConfigError) return { effect: 'not-applied', error };
    if (error instanceof TransportError && !error.sent) return { effect: 'not-applied', error, note: 'not sent: the connection was never made' };
    sendError = error;
  }
  let after: { config: Json; etag?: string };
  try {
    after = await readConfig(http);
  } catch (readError) {
    if (sendError === undefined) {
      return {
        effect: 'applied',
        error: new GatewayError(`Caddy accepted ${op.method} ${configUrl(op.path)}, but the config could not be read back to verify it: ${messageOf(readError)}`,
          { driver: 'caddy', method: 'GET', url: `${http.baseUrl}/config/` }, { cause: readError }),
        note: 'acknowledged by Caddy; not verified (re-read failed)',
      };
    }
    return {
      effect: 'unknown',
      error: sendError,
      note: `answer lost, and re-reading the config failed too (${messageOf(readError)}): Caddy may or may not have applied it`,
    };
  }
  const now = canonicalJson(after.config);
  if (sendError === undefined) {
    if (now === expected) return { effect: 'applied', after };
    return { effect: 'applied', after, error: new StaleConfigError('the Caddy config changed while gwctl was applying (another writer); gwctl undoes its own steps. Re-run plan.') };
  }
  const lost = lostAnswer(sendError);
  if (now === expected) {
    return { effect: 'applied', after, note: `${lost}; re-reading the config shows Caddy applied it` };
  }
  if (now === canonicalJson(before)) {
    return { effect: 'not-applied', after, error: sendError, note: `${lost}; re-reading the config shows it unchanged: Caddy did not apply it` };
  }
  return { effect: 'unknown', after, error: sendError, note: `${lost}; the config re-read is neither the old nor the expected one (another writer?)` };
}

function lostAnswer(error: unknown): string {
  if (error instanceof TransportError) return `no answer (${error.code})`;
  if (error instanceof GatewayError && error.details.status !== undefined) return `answered ${error.details.status}`;
  return `failed (${messageOf(error)})`;
}

async function undo(http: HttpClient, done: Array<{ step: Step; before: Json; record: ApplyStep }>, outcome: ApplyOutcome): Promise<void> {
  for (const { step, before, record } of [...done].reverse()) {
    const failed = (why: string, status: 'undo-failed' | 'unknown' = 'undo-failed') => {
      record.status = status;
      record.undoError = why;
    };
    let current: { config: Json; etag?: string };
    try {
      current = await readConfig(http);
    } catch (error) {
      failed(messageOf(error));
      continue;
    }
    const op = undoOp(step, before, current.config);
    if (!op) {
      record.status = 'undone';
      continue;
    }
    const written = await write(http, op, current.config, current.etag);
    if (written.after?.etag !== undefined) outcome.etag = written.after.etag;
    if (written.effect === 'applied') {
      record.status = 'undone';
      if (written.note) record.note = `undo: ${written.note}`;
    } else {
      failed(`${messageOf(written.error)}${written.note ? ` (${written.note})` : ''}`, written.effect === 'unknown' ? 'unknown' : 'undo-failed');
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

function describeFailure(error: unknown, effect: Written['effect']): Error {
  if (error instanceof StaleConfigError) return error;
  if (effect === 'unknown') {
    // The command adds what the gateway holds (unknown) and what to do; the cause says why.
    return error instanceof Error ? error : new Error(String(error));
  }
  if (error instanceof GatewayError && error.details.status !== undefined) {
    const bind = /\bbind\b|address already in use/i.test(error.message)
      ? ' Caddy 2.6.2 may keep a rejected listener open after a failed load (caddyserver/caddy#7175); restart Caddy if that port stays busy.'
      : '';
    return new ApplyRefusedByGateway(`${error.message}${effect === 'not-applied' ? ' Caddy did not apply it.' : ''}${bind}`, { cause: error });
  }
  if (error instanceof TransportError && effect === 'not-applied') {
    return new TransportError(`${error.message} Caddy did not apply the write (${error.sent ? 're-reading the config shows it unchanged' : 'the connection was never made'}).`, error.details, error.code, error.sent, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Caddy rejected a write (bad config): the apply failed, exit 1. */
export class ApplyRefusedByGateway extends PolicyRefusal {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
