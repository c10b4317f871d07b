import { isIP } from 'node:net';
import { isObject, type CaddyNative, type CaddySnapshot, type Json, type JsonObject } from './types.js';

/**
 * What Caddy accepts but fails on at request time (or, worse, reads differently): Caddy checks
 * that modules exist, not values. A non-bcrypt password or a bad dial address loads fine and
 * breaks every request; a `*` or `{…}` inside an API key turns Caddy's header matcher into a
 * wildcard or a placeholder. Messages name consumers and routes, never secret values.
 */

const BCRYPT = /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HOSTNAME = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An API key as Caddy's header matcher would compare it: exactly, so no wildcard or placeholder. */
export function apiKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is empty';
  if (/[\u0000-\u0020\u007f]/.test(key)) return 'contains whitespace or control characters (HTTP trims or rejects them in header values)';
  if (key.includes('*')) return "contains '*', which Caddy's header matcher treats as a wildcard";
  if (/[{}]/.test(key)) return "contains '{' or '}', which Caddy expands as a placeholder";
  if (/[^\x21-\x7e]/.test(key)) return 'contains non-ASCII characters';
  return undefined;
}

export function usernameProblem(username: string): string | undefined {
  if (username.length === 0) return 'is empty';
  if (username.includes(':')) return "contains ':', which basic auth cannot carry in a username";
  if (/[{}]/.test(username)) return "contains '{' or '}', which Caddy expands as a placeholder";
  if (/[\u0000-\u001f\u007f]/.test(username)) return 'contains control characters';
  return undefined;
}

export function passwordProblem(password: string): string | undefined {
  if (password.length === 0) return 'is empty';
  // bcrypt reads only the first 72 bytes; a longer password would accept any suffix.
  if (Buffer.byteLength(password, 'utf8') > 72) return 'is longer than 72 bytes, which bcrypt silently truncates';
  return undefined;
}

export interface ParsedUpstream {
  https: boolean;
  /** host:port for Caddy's `dial` */
  dial: string;
  /** the URL's path, '' for `/` */
  pathPrefix: string;
  host: string;
}

/** An upstream or forward-auth URL → Caddy's dial address, or a problem. */
export function parseServiceUrl(text: string): ParsedUpstream | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `uses ${url.protocol.replace(':', '')}://; Caddy proxies to http:// and https:// only`;
  if (url.username || url.password) return 'carries credentials in the URL';
  if (url.hash) return 'has a #fragment';
  const host = url.hostname;
  if (!host) return 'has no host';
  if (/[{}]/.test(decodeURIComponent(url.pathname + url.search))) return "contains '{' or '}', which Caddy expands as a placeholder";
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (!isIP(bare) && !HOSTNAME.test(bare)) return `has an invalid host '${host}'`;
  const https = url.protocol === 'https:';
  const port = url.port || (https ? '443' : '80');
  const pathPrefix = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return { https, dial: `${host}:${port}`, pathPrefix: pathPrefix + (url.search ? url.search : ''), host };
}

/** A route path: OpenAPI-style templates allowed; no glob or placeholder characters of Caddy's own. */
export function routePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return "does not start with '/'";
  const literal = path.replace(/\{[A-Za-z0-9_.-]+\}/g, '');
  if (/[{}]/.test(literal)) return "has an unbalanced or invalid '{param}' template";
  if (/[*?[\]\\]/.test(literal)) return "contains a glob character (* ? [ ] \\) Caddy's path matcher would expand";
  if (literal.includes('%')) return "contains '%', which Caddy's path matcher compares in escaped form";
  if (/[\s#]/.test(literal)) return 'contains whitespace or #';
  return undefined;
}

export function hostProblem(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare)) return undefined;
  if (!HOSTNAME.test(host)) return "is not a host name (letters, digits, '-', '.', an optional leading '*.')";
  return undefined;
}

export function headerNameProblem(name: string): string | undefined {
  return HEADER_NAME.test(name) ? undefined : 'is not a valid HTTP header name';
}

/** A dial address Caddy would accept and be able to use: host:port with a port in range. */
export function dialProblem(dial: string): string | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(dial);
  if (!match) return 'is not HOST:PORT';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return 'has a port outside 1-65535';
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  if (!isIP(host) && !HOSTNAME.test(host)) return `has an invalid host '${match[1]}'`;
  return undefined;
}

/**
 * The rendered documents, checked as Caddy would run them: every dial address usable, every
 * password a bcrypt hash, no empty header-value list (Caddy reads `[]` as "header present, any
 * value"), no listener shared with a server gwctl does not own, TLS internal with a name to
 * issue for.
 */
export function validateCaddy(native: CaddyNative, snapshot: CaddySnapshot): string[] {
  const problems = [...native.problems];
  const server = native.server;
  const listen = Array.isArray(server.listen) ? (server.listen as string[]) : [];
  for (const address of listen) {
    const port = address.slice(address.lastIndexOf(':') + 1);
    for (const other of snapshot.otherListeners) {
      const otherPort = other.listen.slice(other.listen.lastIndexOf(':') + 1);
      const host = address.slice(0, address.lastIndexOf(':'));
      const otherHost = other.listen.slice(0, other.listen.lastIndexOf(':'));
      if (port === otherPort && (host === otherHost || host === '' || otherHost === '' || host === '0.0.0.0' || otherHost === '0.0.0.0')) {
        problems.push(`listen ${address} collides with ${other.listen} of the Caddy server '${other.server}', which gwctl does not own; choose another listen address.`);
      }
    }
  }
  walk(server, [], (node, path) => {
    if (node.handler === 'reverse_proxy' && Array.isArray(node.upstreams)) {
      for (const upstream of node.upstreams) {
        const dial = isObject(upstream) ? upstream.dial : undefined;
        const problem = typeof dial === 'string' ? dialProblem(dial) : 'is missing';
        if (problem) problems.push(`${where(path, server)}: upstream dial address '${String(dial)}' ${problem}.`);
      }
      if (node.upstreams.length === 0) problems.push(`${where(path, server)}: a reverse_proxy without upstreams.`);
    }
    if (isObject(node.header)) {
      for (const [name, values] of Object.entries(node.header)) {
        if (!Array.isArray(values) || values.length === 0) problems.push(`${where(path, server)}: the ${name} header matcher has no values, which Caddy reads as "any value"; this is a gwctl bug.`);
      }
    }
    if (Array.isArray(node.accounts)) {
      for (const account of node.accounts) {
        if (!isObject(account) || typeof account.password !== 'string' || !BCRYPT.test(account.password)) {
          problems.push(`${where(path, server)}: a basic-auth account without a bcrypt hash; this is a gwctl bug.`);
        }
      }
    }
  });
  if (native.tlsPolicy && (!Array.isArray(native.tlsPolicy.subjects) || native.tlsPolicy.subjects.length === 0)) {
    problems.push('tls internal: no route names a host, so Caddy has no name to issue a certificate for; add `hosts` to the routes, or use tls: off or {certFile, keyFile}.');
  }
  return [...new Set(problems)];
}

function where(path: readonly (string | number)[], server: JsonObject): string {
  const routes = Array.isArray(server.routes) ? server.routes : [];
  if (path[0] === 'routes' && typeof path[1] === 'number') {
    const route = routes[path[1]];
    if (isObject(route) && typeof route['@id'] === 'string') return `route ${route['@id']}`;
  }
  return 'server';
}

function walk(node: Json, path: (string | number)[], visit: (node: JsonObject, path: (string | number)[]) => void): void {
  if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i], visit));
  else if (isObject(node)) {
    visit(node, path);
    for (const [key, child] of Object.entries(node)) walk(child, [...path, key], visit);
  }
}
