import path from 'node:path';
import { UsageError } from '../../../model/errors.js';

/** Caddy's JSON config, as far as the driver looks into it. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export type TlsMode =
  | { mode: 'internal' }
  | { mode: 'off' }
  | { mode: 'files'; certFile: string; keyFile: string };

export interface CaddyOptions {
  /** name of the managed server under apps.http.servers (default gwctl) */
  server: string;
  /** addresses the managed server listens on; undefined = keep the live server's, else :443/:80 */
  listen?: string[];
  tls: TlsMode;
}

/** The ownership markers: every object gwctl creates carries an `@id` starting with `gwctl-`. */
export function caddyIds(server: string) {
  const base = `gwctl-${server}`;
  return {
    server: base,
    routePrefix: `${base}.`,
    route: (service: string, route: string) => `${base}.${service}.${route}`,
    notFound: `${base}.not-found`,
    tlsPolicy: `${base}.tls`,
    tlsCertificate: `${base}.cert`,
    certificateTag: base,
  };
}

export type CaddyIds = ReturnType<typeof caddyIds>;

/** What fetch found: the whole config (for operate) and the managed pieces. */
export interface CaddySnapshot {
  config: JsonObject | null;
  etag?: string;
  /** apps.http.servers[server], when it exists (managed: checked by fetch) */
  server?: JsonObject;
  /** routes of the managed server without a gwctl marker, with their position */
  unmanagedRoutes: Array<{ index: number; route: JsonObject }>;
  /** listen addresses of the other servers, to catch collisions before Caddy does */
  otherListeners: Array<{ server: string; listen: string }>;
  tlsPolicy?: { index: number; value: JsonObject };
  tlsCertificate?: { index: number; value: JsonObject };
}

/** The native documents operate writes. */
export interface CaddyNative {
  server: JsonObject;
  tlsPolicy?: JsonObject;
  tlsCertificate?: JsonObject;
  /** problems found while rendering (validate reports them) */
  problems: string[];
}

const TLS_MODES = ['internal', 'off'];

/** Target options (`.gwctl.yaml` keys or `?query` of a direct target) → typed options. */
export function parseCaddyOptions(options: Record<string, unknown>, baseDir: string, where: string): CaddyOptions {
  for (const key of Object.keys(options)) {
    if (!['server', 'listen', 'tls'].includes(key) && !key.startsWith('x-')) {
      throw new UsageError(`${where}: unknown Caddy target option '${key}'; the Caddy driver knows server, listen, tls.`);
    }
  }
  const server = options.server ?? 'gwctl';
  if (typeof server !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(server)) {
    throw new UsageError(`${where}: \`server\` must be a name of letters, digits, - and _ (the key under apps.http.servers).`);
  }
  let listen: string[] | undefined;
  if (options.listen !== undefined) {
    const raw = typeof options.listen === 'string' ? options.listen.split(',') : options.listen;
    if (!Array.isArray(raw) || raw.length === 0 || raw.some((l) => typeof l !== 'string' || !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/.test(l.trim()))) {
      throw new UsageError(`${where}: \`listen\` must be HOST:PORT (or :PORT), or a list of them, e.g. 127.0.0.1:8443.`);
    }
    listen = (raw as string[]).map((l) => l.trim());
  }
  let tls: TlsMode = { mode: 'internal' };
  const rawTls = options.tls;
  if (typeof rawTls === 'string') {
    if (!TLS_MODES.includes(rawTls)) throw new UsageError(`${where}: \`tls\` must be internal, off, or {certFile, keyFile}.`);
    tls = { mode: rawTls as 'internal' | 'off' };
  } else if (rawTls && typeof rawTls === 'object' && !Array.isArray(rawTls)) {
    const { certFile, keyFile } = rawTls as Record<string, unknown>;
    if (typeof certFile !== 'string' || typeof keyFile !== 'string') {
      throw new UsageError(`${where}: \`tls\` as files needs certFile and keyFile (paths on the Caddy host, relative to .gwctl.yaml).`);
    }
    tls = { mode: 'files', certFile: path.resolve(baseDir, certFile), keyFile: path.resolve(baseDir, keyFile) };
  } else if (rawTls !== undefined) {
    throw new UsageError(`${where}: \`tls\` must be internal, off, or {certFile, keyFile}.`);
  }
  const out: CaddyOptions = { server, tls };
  if (listen) out.listen = listen;
  return out;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
