import type { Origin, SourceFile } from '../model/document.js';
import type {
  Auth, AuthType, Consumer, Credential, LimitKey, Per, Protocol, RateLimit, Route, Service, Subscription, Tenant, Upstream,
} from '../model/gateway.js';
import { requestsPerSecond } from './effective-policy.js';
import type { PartialModel } from './gwctl-v1.js';
import { isName, isObj, items, strings, type Obj } from './values.js';

/**
 * Kong declarative config (decK, `_format_version: "3.0"`) → the parts of the gateway model one
 * file contributes. Every node's origin is the real pointer into the decK file.
 *
 * Mapping (Kong semantics, not gwctl/v1 defaults):
 * - tenant: a `tenant:<name>` tag on the service/consumer, else the file's `_workspace`. The
 *   tenants returned are *mentions* (origin at the tag or at `_workspace`), one per name: the
 *   merge adds those no other file defines.
 * - service upstream: `url`, else `protocol://host:port/path` (Kong defaults: http, 80);
 *   `tls_verify: false` → upstream tls verify false.
 * - routes: `services[].routes[]` and top-level `routes[]` whose `service` names (or ids) a
 *   service of this file; Kong's default protocols are [http, https].
 * - auth and rate limit are resolved per route as Kong does (one plugin instance applies, the most
 *   specific): route plugin, else service plugin, else global plugin. The origin is the plugin.
 * - consumers: `username` (else `custom_id`); `keyauth_credentials` → key, `basicauth_credentials`
 *   → basic, `jwt_secrets` → jwt, values as written.
 * - subscriptions: an `acl` plugin (service, its routes, or global) whose `allow` lists one of a
 *   consumer's `acls` groups → an approved subscription (approvedBy `acl:<group>`, origin at the
 *   consumer's acl entry). Without an acl plugin no subscriptions are created.
 * Nothing here throws on odd data: what is unusable is skipped.
 */
export function normalizeDeck(source: SourceFile): PartialModel {
  const file = source.path;
  const at = (pointer: string): Origin => ({ file, pointer });
  const out: PartialModel = { tenants: [], services: [], consumers: [], specLinks: [] };
  const data = source.data;
  if (!isObj(data)) return out;

  const tenants = new Map<string, Tenant>();
  const mention = (name: string, origin: Origin) => {
    if (!tenants.has(name)) tenants.set(name, { name, origin });
  };
  const workspace = isName(data._workspace) ? data._workspace : undefined;
  if (workspace) mention(workspace, at('/_workspace'));
  const tenantOf = (raw: Obj, pointer: string): string | undefined => {
    for (const [k, tag] of items(raw.tags)) {
      if (typeof tag !== 'string' || !tag.startsWith('tenant:')) continue;
      const name = tag.slice('tenant:'.length).trim();
      if (name === '') continue;
      mention(name, at(`${pointer}/tags/${k}`));
      return name;
    }
    return workspace;
  };

  // Plugins, by where they apply.
  const globalPlugins: PluginAt[] = [];
  const servicePlugins = new Map<number, PluginAt[]>();
  const routePlugins = new Map<string, PluginAt[]>(); // key: the route's pointer
  const push = <K>(map: Map<K, PluginAt[]>, key: K, plugin: PluginAt) => {
    const list = map.get(key);
    if (list) list.push(plugin);
    else map.set(key, [plugin]);
  };

  // Services (by index), and a lookup by name / id for top-level references.
  const rawServices = items(data.services).filter((entry): entry is [number, Obj] => isObj(entry[1]));
  const serviceIndex = (ref: unknown): number | undefined => {
    const key = isObj(ref) ? (ref.name ?? ref.id) : ref;
    if (!isName(key)) return undefined;
    return rawServices.find(([, raw]) => raw.name === key || raw.id === key)?.[0];
  };

  // Routes: nested ones, then top-level ones referencing a service of this file.
  interface RawRoute { raw: Obj; pointer: string; serviceAt: number; fallbackName: string }
  const rawRoutes: RawRoute[] = [];
  for (const [i, raw] of rawServices) {
    for (const [j, route] of items(raw.routes)) {
      if (isObj(route)) rawRoutes.push({ raw: route, pointer: `/services/${i}/routes/${j}`, serviceAt: i, fallbackName: `route-${j}` });
    }
    for (const [j, plugin] of items(raw.plugins)) {
      if (isPlugin(plugin)) push(servicePlugins, i, { raw: plugin, pointer: `/services/${i}/plugins/${j}` });
    }
  }
  for (const [i, route] of items(data.routes)) {
    if (!isObj(route)) continue;
    const serviceAt = serviceIndex(route.service);
    // A route without a (known) service has no upstream to govern here: skipped.
    if (serviceAt !== undefined) rawRoutes.push({ raw: route, pointer: `/routes/${i}`, serviceAt, fallbackName: `routes-${i}` });
  }
  const routeKey = (ref: unknown): string | undefined => {
    const key = isObj(ref) ? (ref.name ?? ref.id) : ref;
    if (!isName(key)) return undefined;
    return rawRoutes.find((r) => r.raw.name === key || r.raw.id === key)?.pointer;
  };
  for (const route of rawRoutes) {
    for (const [k, plugin] of items(route.raw.plugins)) {
      if (isPlugin(plugin)) push(routePlugins, route.pointer, { raw: plugin, pointer: `${route.pointer}/plugins/${k}` });
    }
  }
  for (const [i, plugin] of items(data.plugins)) {
    if (!isPlugin(plugin)) continue;
    const here: PluginAt = { raw: plugin, pointer: `/plugins/${i}` };
    if (plugin.consumer !== undefined && plugin.consumer !== null) continue; // consumer-scoped: not a route policy
    if (plugin.route !== undefined && plugin.route !== null) {
      const key = routeKey(plugin.route);
      if (key) push(routePlugins, key, here);
    } else if (plugin.service !== undefined && plugin.service !== null) {
      const index = serviceIndex(plugin.service);
      if (index !== undefined) push(servicePlugins, index, here);
    } else {
      globalPlugins.push(here);
    }
  }

  // The most specific plugin of a kind: route, else service, else global (Kong's precedence).
  const resolve = <T>(route: RawRoute, pick: (plugins: PluginAt[]) => T | undefined): T | undefined =>
    pick(routePlugins.get(route.pointer) ?? []) ?? pick(servicePlugins.get(route.serviceAt) ?? []) ?? pick(globalPlugins);

  const servicesByIndex = new Map<number, Service>();
  for (const [i, raw] of rawServices) {
    const name = isName(raw.name) ? raw.name : isName(raw.id) ? raw.id : undefined;
    if (!name) continue;
    const pointer = `/services/${i}`;
    const service: Service = {
      name, kind: 'rest', visibility: 'tenant', approval: 'manual', lifecycle: 'published', routes: [], origin: at(pointer),
    };
    const tenant = tenantOf(raw, pointer);
    if (tenant !== undefined) service.tenant = tenant;
    const upstream = upstreamOf(raw, pointer, at);
    if (upstream) service.upstream = upstream;
    servicesByIndex.set(i, service);
    out.services.push(service);
  }

  // Which acl groups may call each service (through a service-level, route-level or global acl).
  const aclGroups = new Map<Service, Set<string>>();
  const addAcl = (service: Service, plugins: PluginAt[]) => {
    for (const plugin of plugins) {
      if (plugin.raw.name !== 'acl') continue;
      const config = isObj(plugin.raw.config) ? plugin.raw.config : {};
      const groups = strings(config.allow ?? config.whitelist);
      let set = aclGroups.get(service);
      if (!set) aclGroups.set(service, (set = new Set()));
      for (const group of groups) set.add(group);
    }
  };
  for (const [i, service] of servicesByIndex) {
    addAcl(service, servicePlugins.get(i) ?? []);
    addAcl(service, globalPlugins);
  }

  for (const rawRoute of rawRoutes) {
    const service = servicesByIndex.get(rawRoute.serviceAt);
    if (!service) continue;
    const { raw, pointer } = rawRoute;
    const written = strings(raw.protocols).filter((p): p is Protocol => (PROTOCOLS as readonly string[]).includes(p));
    const route: Route = {
      name: isName(raw.name) ? raw.name : rawRoute.fallbackName,
      service: service.name,
      paths: strings(raw.paths),
      methods: [...new Set(strings(raw.methods).map((m) => m.toUpperCase()))],
      hosts: strings(raw.hosts).map((h) => h.toLowerCase()),
      // Kong's default: a route without `protocols` accepts both http and https.
      protocols: Array.isArray(raw.protocols) ? written : ['http', 'https'],
      public: false,
      origin: at(pointer),
    };
    const auth = resolve(rawRoute, (plugins) => firstAuth(plugins, at));
    if (auth) route.auth = auth;
    const limit = resolve(rawRoute, (plugins) => firstRateLimit(plugins, at));
    if (limit) route.rateLimit = limit;
    addAcl(service, routePlugins.get(pointer) ?? []);
    service.routes.push(route);
  }

  for (const [i, raw] of items(data.consumers)) {
    if (!isObj(raw)) continue;
    const name = isName(raw.username) ? raw.username : isName(raw.custom_id) ? raw.custom_id : undefined;
    if (!name) continue;
    const pointer = `/consumers/${i}`;
    const consumer: Consumer = { name, credentials: [], subscriptions: [], origin: at(pointer) };
    const tenant = tenantOf(raw, pointer);
    if (tenant !== undefined) consumer.tenant = tenant;
    for (const [j, cred] of items(raw.keyauth_credentials)) {
      if (isObj(cred)) consumer.credentials.push({ type: 'key', key: typeof cred.key === 'string' ? cred.key : '', origin: at(`${pointer}/keyauth_credentials/${j}`) });
    }
    for (const [j, cred] of items(raw.basicauth_credentials)) {
      if (!isObj(cred)) continue;
      consumer.credentials.push({
        type: 'basic',
        username: typeof cred.username === 'string' ? cred.username : '',
        password: typeof cred.password === 'string' ? cred.password : '',
        origin: at(`${pointer}/basicauth_credentials/${j}`),
      });
    }
    for (const [j, cred] of items(raw.jwt_secrets)) {
      if (!isObj(cred)) continue;
      const credential: Credential = { ...cred, type: 'jwt', origin: at(`${pointer}/jwt_secrets/${j}`) };
      consumer.credentials.push(credential);
    }
    // One approved subscription per service an acl lets this consumer call, at the first group that does.
    const groups = items(raw.acls)
      .filter((entry): entry is [number, Obj] => isObj(entry[1]) && isName(entry[1].group))
      .map(([j, acl]) => ({ group: acl.group as string, origin: at(`${pointer}/acls/${j}`) }));
    for (const service of out.services) {
      const allowed = aclGroups.get(service);
      const match = allowed && groups.find((g) => allowed.has(g.group));
      if (!match) continue;
      const subscription: Subscription = { service: service.name, status: 'approved', approvedBy: `acl:${match.group}`, origin: match.origin };
      consumer.subscriptions.push(subscription);
    }
    out.consumers.push(consumer);
  }

  out.tenants.push(...tenants.values());
  return out;
}

interface PluginAt {
  raw: Obj;
  pointer: string;
}

const PROTOCOLS: readonly Protocol[] = ['http', 'https', 'grpc', 'grpcs', 'ws', 'wss'];
const AUTH_PLUGINS: Record<string, AuthType> = {
  'key-auth': 'key',
  'basic-auth': 'basic',
  jwt: 'jwt',
  oauth2: 'oauth2',
  'openid-connect': 'oauth2',
  'mtls-auth': 'mtls',
};
const UNITS: readonly Per[] = ['second', 'minute', 'hour', 'day'];

function firstAuth(plugins: PluginAt[], at: (p: string) => Origin): Auth | undefined {
  for (const plugin of plugins) {
    const type = AUTH_PLUGINS[plugin.raw.name as string];
    if (!type) continue;
    const auth: Auth = { type, origin: at(plugin.pointer) };
    if (type === 'key') {
      const config = isObj(plugin.raw.config) ? plugin.raw.config : {};
      // Kong's default key name is `apikey`.
      auth.header = strings(config.key_names)[0] ?? 'apikey';
    }
    return auth;
  }
  return undefined;
}

/** A `rate-limiting` plugin as one limit: the tightest of its configured units. */
function firstRateLimit(plugins: PluginAt[], at: (p: string) => Origin): RateLimit | undefined {
  for (const plugin of plugins) {
    if (plugin.raw.name !== 'rate-limiting') continue;
    const config = isObj(plugin.raw.config) ? plugin.raw.config : {};
    let best: { requests: number; per: Per } | undefined;
    for (const per of UNITS) {
      const requests = config[per];
      if (typeof requests !== 'number' || !(requests > 0) || !Number.isFinite(requests)) continue;
      if (!best || requestsPerSecond({ requests, per }) < requestsPerSecond(best)) best = { requests, per };
    }
    if (!best) continue;
    const key: LimitKey = config.limit_by === 'ip' ? 'ip' : 'consumer';
    return { ...best, key, origin: at(plugin.pointer) };
  }
  return undefined;
}

function upstreamOf(raw: Obj, pointer: string, at: (p: string) => Origin): Upstream | undefined {
  let url: string | undefined;
  if (typeof raw.url === 'string' && raw.url !== '') url = raw.url;
  else if (isName(raw.host)) {
    const protocol = isName(raw.protocol) ? raw.protocol : 'http';
    const port = typeof raw.port === 'number' ? raw.port : protocol === 'https' ? 443 : 80;
    const path = typeof raw.path === 'string' ? raw.path : '';
    url = `${protocol}://${raw.host}:${port}${path}`;
  }
  if (url === undefined) return undefined;
  // The target is the service itself: upstream-https then points at its `url` key (or the service).
  const upstream: Upstream = { targets: [{ url, origin: at(pointer) }], origin: at(pointer) };
  if (typeof raw.tls_verify === 'boolean') upstream.tls = { verify: raw.tls_verify, origin: at(pointer) };
  if (typeof raw.read_timeout === 'number' && raw.read_timeout > 0) upstream.timeoutMs = raw.read_timeout;
  return upstream;
}

function isPlugin(value: unknown): value is Obj {
  return isObj(value) && isName(value.name) && value.enabled !== false;
}
