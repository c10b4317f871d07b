import { GatewayError, PolicyRefusal } from '../../../model/errors.js';
import type { DiffObject } from '../../../plan/diff.js';
import type { LiveState } from '../../driver.js';
import type { HttpClient } from '../../http.js';
import { caddyIds, isObject, type CaddyIds, type CaddyOptions, type CaddySnapshot, type JsonObject } from './types.js';

/**
 * Reads Caddy's whole config with `GET /config/` and picks out what gwctl owns: the managed
 * server (its `@id` marks it), its `gwctl-` routes, and the gwctl entries of the tls app. The
 * ETag comes as an HTTP trailer (Caddy hashes the config while streaming it).
 */
export async function fetchCaddy(http: HttpClient, options: CaddyOptions): Promise<LiveState> {
  const response = await http.request('GET', '/config/');
  const etag = response.trailers.etag ?? headerValue(response.headers.etag);
  let config: unknown;
  try {
    config = response.text.trim() === '' ? null : JSON.parse(response.text);
  } catch (error) {
    throw new GatewayError(`the Caddy admin API at ${http.baseUrl} answered GET /config/ with something that is not JSON; is that URL really Caddy's admin endpoint?`, { driver: 'caddy', method: 'GET', url: `${http.baseUrl}/config/`, status: response.status }, { cause: error });
  }
  if (config !== null && !isObject(config)) {
    throw new GatewayError(`the Caddy admin API at ${http.baseUrl} answered GET /config/ with a JSON ${Array.isArray(config) ? 'array' : typeof config}, not a config object; is that URL really Caddy's admin endpoint?`, { driver: 'caddy', method: 'GET', url: `${http.baseUrl}/config/` });
  }
  return snapshotToLive(readSnapshot(config as JsonObject | null, etag, options), options);
}

export function readSnapshot(config: JsonObject | null, etag: string | undefined, options: CaddyOptions): CaddySnapshot {
  const ids = caddyIds(options.server);
  const snapshot: CaddySnapshot = { config, unmanagedRoutes: [], otherListeners: [] };
  if (etag !== undefined) snapshot.etag = etag;
  const servers = at(config, ['apps', 'http', 'servers']);
  if (isObject(servers)) {
    for (const [name, server] of Object.entries(servers)) {
      if (name === options.server) continue;
      const listen = isObject(server) && Array.isArray(server.listen) ? server.listen : [];
      for (const address of listen) if (typeof address === 'string') snapshot.otherListeners.push({ server: name, listen: address });
    }
    const server = servers[options.server];
    if (server !== undefined) {
      if (!isObject(server) || server['@id'] !== ids.server) {
        throw new PolicyRefusal(`Caddy already has a server '${options.server}' that gwctl did not create (its @id is not '${ids.server}'); gwctl never changes servers it does not own. Choose another name with the target option \`server\`, or remove that server.`);
      }
      snapshot.server = server;
      const routes = Array.isArray(server.routes) ? server.routes : [];
      routes.forEach((route, index) => {
        if (!isManagedRoute(route, ids) && isObject(route)) snapshot.unmanagedRoutes.push({ index, route });
      });
    }
  }
  const policies = at(config, ['apps', 'tls', 'automation', 'policies']);
  if (Array.isArray(policies)) {
    const index = policies.findIndex((p) => isObject(p) && p['@id'] === ids.tlsPolicy);
    if (index !== -1) snapshot.tlsPolicy = { index, value: policies[index] as JsonObject };
  }
  const files = at(config, ['apps', 'tls', 'certificates', 'load_files']);
  if (Array.isArray(files)) {
    const index = files.findIndex((p) => isObject(p) && p['@id'] === ids.tlsCertificate);
    if (index !== -1) snapshot.tlsCertificate = { index, value: files[index] as JsonObject };
  }
  return snapshot;
}

/** The managed objects, in the shape the diff compares (the server lists its routes by id). */
export function snapshotToLive(snapshot: CaddySnapshot, options: CaddyOptions): LiveState {
  const ids = caddyIds(options.server);
  const objects: DiffObject[] = [];
  const notes: string[] = [];
  if (snapshot.tlsCertificate) objects.push({ kind: 'tls-certificate', key: ids.tlsCertificate, value: snapshot.tlsCertificate.value });
  if (snapshot.tlsPolicy) objects.push({ kind: 'tls-policy', key: ids.tlsPolicy, value: snapshot.tlsPolicy.value });
  if (snapshot.server) {
    const routes = Array.isArray(snapshot.server.routes) ? snapshot.server.routes : [];
    objects.push({ kind: 'server', key: ids.server, label: options.server, value: serverShape(snapshot.server, routes, ids) });
    for (const route of routes) {
      if (isManagedRoute(route, ids)) objects.push({ kind: 'route', key: route['@id'] as string, label: routeLabel(route['@id'] as string, ids), value: route });
    }
    if (snapshot.unmanagedRoutes.length > 0) {
      notes.push(`the managed server '${options.server}' holds ${snapshot.unmanagedRoutes.length} route(s) without a gwctl- @id; gwctl keeps them, after its own routes.`);
    }
  }
  const live: LiveState = { objects, notes, raw: snapshot };
  if (snapshot.etag !== undefined) live.etag = snapshot.etag;
  return live;
}

/** The server as compared: every field but `routes`, which becomes the list of route ids. */
export function serverShape(server: JsonObject, routes: readonly unknown[], ids: CaddyIds): JsonObject {
  const { routes: _routes, ...rest } = server;
  let unmanaged = 0;
  return {
    ...rest,
    routes: routes.map((route) => (isManagedRoute(route, ids) ? (route as JsonObject)['@id'] as string : `(unmanaged route ${++unmanaged})`)),
  };
}

export function isManagedRoute(route: unknown, ids: CaddyIds): route is JsonObject {
  return isObject(route) && typeof route['@id'] === 'string' && route['@id'].startsWith(ids.routePrefix);
}

export function routeLabel(id: string, ids: CaddyIds): string | undefined {
  if (id === ids.notFound) return 'fallback: 404 for everything else';
  const rest = id.slice(ids.routePrefix.length).split('.');
  return rest.length === 2 ? `${rest[0]}/${rest[1]}` : undefined;
}

export function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}
