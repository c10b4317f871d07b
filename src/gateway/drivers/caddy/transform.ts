import bcrypt from 'bcryptjs';
import type { Consumer, EffectivePolicy, Route, Service } from '../../../model/gateway.js';
import type { DiffObject } from '../../../plan/diff.js';
import type { DesiredState, RenderInput } from '../../driver.js';
import { isManagedRoute, routeLabel, serverShape } from './fetch.js';
import { caddyIds, isObject, type CaddyIds, type CaddyNative, type CaddyOptions, type CaddySnapshot, type JsonObject } from './types.js';
import {
  apiKeyProblem, headerNameProblem, hostProblem, parseServiceUrl, passwordProblem, routePathProblem, usernameProblem,
  type ParsedUpstream,
} from './validate.js';

/**
 * The gateway model → one Caddy server (plus, for TLS, one automation policy or one loaded
 * certificate in the tls app). One Caddy route per gwctl route, `@id` gwctl-<server>.<service>.<route>:
 *
 *   match:  host + path (OpenAPI templates → globs) + method
 *   handle: auth → (rewrite to the upstream's base path) → reverse_proxy
 *
 * - key: a subroute; the first branch matches the header against exactly the keys of consumers
 *   with an approved, allowed subscription and proxies; otherwise a static 401;
 * - basic: Caddy's http_basic with bcrypt hashes computed here (a live hash that still verifies
 *   against the password is reused, so re-planning shows no change);
 * - forward: Caddy's forward_auth pattern written out in JSON: a reverse_proxy to the auth URL
 *   (method GET, X-Forwarded-Method/Uri) whose handle_response on 2xx lets the chain continue;
 *   any other answer of the auth service goes back to the client;
 * - after the routes, a catch-all 404 (Caddy's default for an unmatched request is an empty 200).
 */

const BCRYPT_COST = 10;
const DENY_KEY: JsonObject = {
  handler: 'static_response',
  status_code: 401,
  headers: { 'Content-Type': ['application/json'] },
  body: '{"error":"a valid API key is required"}\n',
};

export function transformCaddy(input: RenderInput, options: CaddyOptions, snapshot: CaddySnapshot): DesiredState {
  const ids = caddyIds(options.server);
  const problems: string[] = [];
  const notes: string[] = [];
  const hashes = new HashReuse(liveBasicHashes(snapshot, ids), input);
  rememberLiveKeys(snapshot, ids, input);
  const consumers = new Map(input.model.consumers.map((c) => [c.name, c]));

  const rendered: Array<{ route: JsonObject; policy: EffectivePolicy; summary: string[]; order: number }> = [];
  input.policies.forEach((policy, order) => {
    if (policy.service.lifecycle === 'draft') return;
    const result = renderRoute(policy, ids, consumers, hashes, problems, input);
    if (result) rendered.push({ ...result, policy, order });
  });
  const drafts = input.model.services.filter((s) => s.lifecycle === 'draft' && s.routes.length > 0).map((s) => s.name);
  if (drafts.length > 0) notes.push(`draft services are not published: ${drafts.join(', ')}.`);
  for (const service of input.model.services) {
    if (service.kind === 'ai' && service.ai?.apiKey && service.lifecycle !== 'draft') {
      notes.push(`service ${service.name}: the Caddy driver does not inject the AI provider key (ai.apiKey); the upstream must hold it.`);
    }
  }
  rendered.sort((a, b) => compareSpecificity(a.policy.route, b.policy.route) || a.order - b.order);

  const routes: JsonObject[] = rendered.map((r) => r.route);
  const liveRoutes = Array.isArray(snapshot.server?.routes) ? snapshot.server.routes : [];
  if (input.noDelete) {
    // A kept route goes right after the route it followed live, so keeping it reorders nothing.
    const desiredIds = new Set(routes.map((r) => r['@id']));
    let previous: unknown;
    for (const route of liveRoutes) {
      if (!isManagedRoute(route, ids) || route['@id'] === ids.notFound) continue;
      if (!desiredIds.has(route['@id'])) {
        const after = routes.findIndex((r) => r['@id'] === previous);
        routes.splice(after + 1, 0, route);
      }
      previous = route['@id'];
    }
  }
  for (const { route } of snapshot.unmanagedRoutes) routes.push(route);
  routes.push({ '@id': ids.notFound, handle: [{ handler: 'static_response', status_code: 404 }] });

  const hosts = [...new Set(rendered.flatMap((r) => r.policy.route.hosts.map((h) => h.toLowerCase())))].sort();
  const server: JsonObject = { '@id': ids.server, listen: listenAddresses(options, snapshot) };
  const native: CaddyNative = { server, problems };
  const minVersion = input.model.gateway?.tls?.minVersion;
  const protocolMin = minVersion === '1.3' ? 'tls1.3' : undefined; // Caddy's floor is already TLS 1.2
  switch (options.tls.mode) {
    case 'off':
      server.automatic_https = { disable: true };
      break;
    case 'internal': {
      // Certificates come from Caddy's internal CA for every route host; redirects off so gwctl
      // never opens port 80. default_sni lets clients that send no SNI (IP addresses) connect.
      server.automatic_https = { disable_redirects: true };
      const policy: JsonObject = {};
      const sni = hosts.find((h) => !h.startsWith('*.'));
      if (sni) policy.default_sni = sni;
      if (protocolMin) policy.protocol_min = protocolMin;
      server.tls_connection_policies = [policy];
      native.tlsPolicy = { '@id': ids.tlsPolicy, subjects: hosts, issuers: [{ module: 'internal' }] };
      break;
    }
    case 'files': {
      server.automatic_https = { disable_redirects: true, disable_certificates: true };
      const policy: JsonObject = { certificate_selection: { any_tag: [ids.certificateTag] } };
      if (protocolMin) policy.protocol_min = protocolMin;
      server.tls_connection_policies = [policy];
      native.tlsCertificate = { '@id': ids.tlsCertificate, certificate: options.tls.certFile, key: options.tls.keyFile, tags: [ids.certificateTag] };
      break;
    }
  }
  server.routes = routes;

  const objects: DiffObject[] = [];
  if (native.tlsCertificate) objects.push({ kind: 'tls-certificate', key: ids.tlsCertificate, value: native.tlsCertificate, summary: [`certificate ${options.tls.mode === 'files' ? options.tls.certFile : ''}`] });
  if (native.tlsPolicy) objects.push({ kind: 'tls-policy', key: ids.tlsPolicy, value: native.tlsPolicy, summary: [`internal CA certificates for ${hosts.join(', ') || '(no hosts)'}`] });
  if (input.noDelete && snapshot.tlsPolicy && !native.tlsPolicy) objects.push({ kind: 'tls-policy', key: ids.tlsPolicy, value: snapshot.tlsPolicy.value });
  if (input.noDelete && snapshot.tlsCertificate && !native.tlsCertificate) objects.push({ kind: 'tls-certificate', key: ids.tlsCertificate, value: snapshot.tlsCertificate.value });
  objects.push({
    kind: 'server', key: ids.server, label: options.server, value: serverShape(server, routes, ids),
    summary: [`listen ${(server.listen as string[]).join(', ')} · tls ${options.tls.mode} · ${rendered.length} routes`],
  });
  const summaries = new Map(rendered.map((r) => [r.route['@id'] as string, r.summary]));
  for (const route of routes) {
    if (!isManagedRoute(route, ids)) continue;
    const id = route['@id'] as string;
    const object: DiffObject = { kind: 'route', key: id, value: route };
    const label = routeLabel(id, ids);
    if (label) object.label = label;
    const summary = summaries.get(id);
    if (summary) object.summary = summary;
    objects.push(object);
  }
  return { objects, notes, native };
}

function renderRoute(
  policy: EffectivePolicy, ids: CaddyIds, consumers: Map<string, Consumer>, hashes: HashReuse, problems: string[], input: RenderInput,
): { route: JsonObject; summary: string[] } | undefined {
  const { route, service } = policy;
  const name = `${service.name}/${route.name}`;
  const before = problems.length;
  const match: JsonObject = {};
  if (route.hosts.length > 0) {
    for (const host of route.hosts) {
      const problem = hostProblem(host);
      if (problem) problems.push(`route ${name}: host '${host}' ${problem}.`);
    }
    match.host = route.hosts.map((h) => h.toLowerCase());
  }
  for (const path of route.paths) {
    const problem = routePathProblem(path);
    if (problem) problems.push(`route ${name}: path '${path}' ${problem}.`);
  }
  if (route.paths.length > 0) match.path = route.paths.map(caddyPath);
  if (route.methods.length > 0) match.method = route.methods.map((m) => m.toUpperCase());

  const proxy = proxyHandlers(service, name, problems);
  const summary = [matchSummary(route)];
  let handle: JsonObject[];
  const allowed = policy.allowedConsumers.map((c) => consumers.get(c)).filter((c): c is Consumer => c !== undefined);
  // `public: true` is the deliberate exception to auth (health checks): served without any.
  switch (route.public ? 'none' : policy.auth.type) {
    case 'key': {
      const header = (policy.auth as { header?: string }).header ?? 'X-API-Key';
      const headerProblem = headerNameProblem(header);
      if (headerProblem) problems.push(`route ${name}: auth header '${header}' ${headerProblem}.`);
      const keys: string[] = [];
      for (const consumer of [...allowed].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        consumer.credentials.forEach((credential, i) => {
          if (credential.type !== 'key') return;
          const value = input.secrets.resolve(credential.key, credential.origin.file, `${credential.origin.pointer}/key`);
          const problem = apiKeyProblem(value);
          if (problem) problems.push(`consumer ${consumer.name}: key credential #${i + 1} ${problem}.`);
          else if (!keys.includes(value)) keys.push(value);
        });
      }
      // Never an empty value list: Caddy reads `[]` as "the header is present, any value".
      const branches: JsonObject[] = keys.length > 0 ? [{ match: [{ header: { [header]: keys } }], handle: proxy }] : [];
      branches.push({ handle: [DENY_KEY] });
      handle = [{ handler: 'subroute', routes: branches }];
      summary.push(`auth: key in ${header}, ${keys.length} key(s) of ${countWith(allowed, 'key')} consumer(s) with an approved subscription`);
      break;
    }
    case 'basic': {
      const accounts: JsonObject[] = [];
      const seen = new Map<string, string>();
      for (const consumer of [...allowed].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        consumer.credentials.forEach((credential, i) => {
          if (credential.type !== 'basic') return;
          const username = credential.username;
          const usernameIssue = usernameProblem(username);
          if (usernameIssue) {
            problems.push(`consumer ${consumer.name}: basic credential #${i + 1} username ${usernameIssue}.`);
            return;
          }
          const password = input.secrets.resolve(credential.password, credential.origin.file, `${credential.origin.pointer}/password`);
          const passwordIssue = passwordProblem(password);
          if (passwordIssue) {
            problems.push(`consumer ${consumer.name}: basic credential #${i + 1} password ${passwordIssue}.`);
            return;
          }
          const owner = seen.get(username);
          if (owner !== undefined) {
            if (owner !== consumer.name) problems.push(`route ${name}: consumers ${owner} and ${consumer.name} both use the basic-auth username '${username}'; usernames must be unique among a route's consumers.`);
            return;
          }
          seen.set(username, consumer.name);
          accounts.push({ username, password: hashes.hashFor(username, password) });
        });
      }
      handle = accounts.length > 0
        ? [{ handler: 'authentication', providers: { http_basic: { accounts, hash: { algorithm: 'bcrypt' }, realm: 'gwctl' } } }, ...proxy]
        : [{ handler: 'static_response', status_code: 401, headers: { 'Www-Authenticate': ['Basic realm="gwctl"'] } }];
      summary.push(`auth: basic, ${accounts.length} account(s) of consumers with an approved subscription`);
      break;
    }
    case 'forward': {
      const url = (policy.auth as { url?: string }).url ?? '';
      const parsed = parseServiceUrl(url);
      if (typeof parsed === 'string') {
        problems.push(`route ${name}: forward auth url ${parsed}.`);
        handle = proxy;
        break;
      }
      handle = [forwardAuth(parsed), ...proxy];
      summary.push(`auth: forward to ${parsed.https ? 'https' : 'http'}://${parsed.dial}${parsed.pathPrefix || '/'}`);
      break;
    }
    case 'none':
      handle = proxy;
      summary.push(route.public ? `auth: none (public: ${route.reason ?? 'no reason'})` : 'auth: none');
      break;
    default:
      // jwt, oauth2, mtls: refused before rendering unless accepted with --allow-unenforced.
      handle = proxy;
      summary.push(`auth: ${policy.auth.type} NOT enforced by Caddy (accepted with --allow-unenforced)`);
  }
  summary.push(upstreamSummary(service));
  if (problems.length > before) return undefined;
  const rendered: JsonObject = { '@id': ids.route(service.name, route.name) };
  if (Object.keys(match).length > 0) rendered.match = [match];
  rendered.handle = handle;
  rendered.terminal = true;
  return { route: rendered, summary };
}

/** OpenAPI path template → Caddy path pattern: `{id}` becomes one non-empty segment part. */
export function caddyPath(path: string): string {
  // `*[^/]` rather than `*`: a pattern ending in its only `*` is a prefix match in Caddy
  // (`/items/*` would also match `/items/1/admin`); `*[^/]` keeps Caddy on path.Match, where
  // `*` never crosses a `/`.
  return path.replace(/\{[^}/]+\}/g, '*[^/]');
}

function proxyHandlers(service: Service, name: string, problems: string[]): JsonObject[] {
  const targets = service.upstream?.targets ?? [];
  if (targets.length === 0) {
    problems.push(`route ${name}: service ${service.name} has no upstream targets; the Caddy driver proxies to upstream.targets (it does not call AI providers directly).`);
    return [];
  }
  const parsed: ParsedUpstream[] = [];
  targets.forEach((target, i) => {
    const result = parseServiceUrl(target.url);
    if (typeof result === 'string') problems.push(`service ${service.name}: upstream target #${i + 1} ${result}.`);
    else parsed.push(result);
  });
  if (parsed.length !== targets.length) return [];
  if (new Set(parsed.map((p) => p.https)).size > 1) {
    problems.push(`service ${service.name}: upstream targets mix http:// and https://; Caddy uses one transport per route.`);
    return [];
  }
  if (new Set(parsed.map((p) => p.pathPrefix)).size > 1) {
    problems.push(`service ${service.name}: upstream targets have different base paths; Caddy rewrites the path once per route.`);
    return [];
  }
  const handlers: JsonObject[] = [];
  const prefix = parsed[0]!.pathPrefix;
  if (prefix) handlers.push({ handler: 'rewrite', uri: `${prefix}{http.request.uri}` });
  const proxy: JsonObject = {
    handler: 'reverse_proxy',
    // The upstream sees its own host name, as with Kong's default preserve_host: false.
    headers: { request: { set: { Host: ['{http.reverse_proxy.upstream.hostport}'] } } },
    upstreams: parsed.map((p) => ({ dial: p.dial })),
  };
  const transport: JsonObject = {};
  if (parsed[0]!.https) {
    transport.tls = service.upstream?.tls?.verify === false ? { insecure_skip_verify: true } : {};
  }
  if (service.upstream?.timeoutMs) transport.response_header_timeout = `${service.upstream.timeoutMs}ms`;
  if (Object.keys(transport).length > 0) proxy.transport = { protocol: 'http', ...transport };
  if (parsed.length > 1) proxy.load_balancing = { selection_policy: { policy: 'round_robin' } };
  handlers.push(proxy);
  return handlers;
}

function forwardAuth(auth: ParsedUpstream): JsonObject {
  const proxy: JsonObject = {
    handler: 'reverse_proxy',
    upstreams: [{ dial: auth.dial }],
    // GET without the body, so the next handler can still read it (as Caddy's forward_auth does).
    rewrite: { method: 'GET', uri: auth.pathPrefix || '/' },
    headers: { request: { set: { 'X-Forwarded-Method': ['{http.request.method}'], 'X-Forwarded-Uri': ['{http.request.uri}'] } } },
    handle_response: [{
      match: { status_code: [2] },
      // reverse_proxy skips a response handler without routes, so this one does something
      // harmless: it drops a header nobody should send.
      routes: [{ handle: [{ handler: 'headers', request: { delete: ['X-Gwctl-Forward-Auth'] } }] }],
    }],
  };
  if (auth.https) proxy.transport = { protocol: 'http', tls: {} };
  return proxy;
}

function listenAddresses(options: CaddyOptions, snapshot: CaddySnapshot): string[] {
  if (options.listen) return options.listen;
  const live = snapshot.server?.listen;
  if (Array.isArray(live) && live.length > 0 && live.every((l) => typeof l === 'string')) return live as string[];
  return [options.tls.mode === 'off' ? ':80' : ':443'];
}

/** More specific routes first: with hosts, then fewer templates, then longer literal paths. */
function compareSpecificity(a: Route, b: Route): number {
  const score = (route: Route) => {
    const templates = Math.min(...route.paths.map((p) => (p.match(/\{/g) ?? []).length), 99);
    const literal = Math.max(...route.paths.map((p) => p.replace(/\{[^}]*\}/g, '').length), 0);
    return { hosts: route.hosts.length > 0 ? 0 : 1, templates, literal };
  };
  const x = score(a);
  const y = score(b);
  return x.hosts - y.hosts || x.templates - y.templates || y.literal - x.literal;
}

function matchSummary(route: Route): string {
  const parts = [];
  if (route.hosts.length) parts.push(`host ${route.hosts.join(', ')}`);
  parts.push(route.paths.length ? `path ${route.paths.join(', ')}` : 'any path');
  parts.push(route.methods.length ? `method ${route.methods.join(', ')}` : 'any method');
  return `match: ${parts.join(' · ')}`;
}

function upstreamSummary(service: Service): string {
  const targets = service.upstream?.targets ?? [];
  return `upstream: ${targets.map((t) => t.url).join(', ') || '(none)'}`;
}

function countWith(consumers: readonly Consumer[], type: string): number {
  return consumers.filter((c) => c.credentials.some((cr) => cr.type === type)).length;
}

/** Live API keys (header matcher values of managed routes) are scrubbed from output like resolved ones. */
function rememberLiveKeys(snapshot: CaddySnapshot, ids: CaddyIds, input: RenderInput): void {
  const visit = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) node.forEach((n) => visit(n, key));
    else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'header' && key === 'match' && isObject(v)) {
          for (const values of Object.values(v)) if (Array.isArray(values)) for (const s of values) if (typeof s === 'string') input.secrets.remember(s);
        } else visit(v, k);
      }
    }
  };
  const routes = Array.isArray(snapshot.server?.routes) ? snapshot.server.routes : [];
  for (const route of routes) if (isManagedRoute(route, ids)) visit(route);
}

/** Live bcrypt hashes by username, from every http_basic provider of the managed server. */
function liveBasicHashes(snapshot: CaddySnapshot, ids: CaddyIds): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      if (isObject(node.http_basic) && Array.isArray(node.http_basic.accounts)) {
        for (const account of node.http_basic.accounts) {
          if (isObject(account) && typeof account.username === 'string' && typeof account.password === 'string') {
            const set = out.get(account.username) ?? new Set<string>();
            set.add(account.password);
            out.set(account.username, set);
          }
        }
      }
      for (const child of Object.values(node)) visit(child);
    }
  };
  const routes = Array.isArray(snapshot.server?.routes) ? snapshot.server.routes : [];
  for (const route of routes) if (isManagedRoute(route, ids)) visit(route);
  return out;
}

/**
 * bcrypt salts are random, so hashing again would change the config on every run. A live hash
 * that verifies against the password is kept; a new one is made only for a new or changed
 * password, once per run (every route of that consumer gets the same hash).
 */
class HashReuse {
  private readonly made = new Map<string, string>();

  constructor(private readonly live: Map<string, Set<string>>, private readonly input: RenderInput) {
    // Live hashes are secrets too, even those no password matches any more.
    for (const hashes of live.values()) for (const hash of hashes) input.secrets.remember(hash);
  }

  hashFor(username: string, password: string): string {
    const key = `${username}\0${password}`;
    const known = this.made.get(key);
    if (known) return known;
    let hash: string | undefined;
    for (const candidate of this.live.get(username) ?? []) {
      if (/^\$2[abxy]?\$\d{2}\$/.test(candidate) && safeCompare(password, candidate)) {
        hash = candidate;
        break;
      }
    }
    hash ??= bcrypt.hashSync(password, BCRYPT_COST);
    this.input.secrets.remember(hash);
    this.made.set(key, hash);
    return hash;
  }
}

function safeCompare(password: string, hash: string): boolean {
  try {
    return bcrypt.compareSync(password, hash);
  } catch {
    return false;
  }
}
