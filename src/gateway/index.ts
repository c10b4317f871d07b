import type { Driver } from './driver.js';
import type { HttpClientOptions } from './http.js';
import type { ResolvedTarget } from './targets.js';
import { CaddyDriver } from './drivers/caddy/index.js';
import { parseCaddyOptions } from './drivers/caddy/types.js';

export type { Driver } from './driver.js';

/** The driver for a resolved target, with its HTTP client configured. */
export function createDriver(target: ResolvedTarget, http: Omit<HttpClientOptions, 'driver' | 'product' | 'baseUrl' | 'token' | 'ca'>): Driver {
  const where = target.name ? `target '${target.name}'` : `--target ${target.driver}+${target.url}`;
  const client: Omit<HttpClientOptions, 'driver' | 'product'> = { ...http, baseUrl: target.url };
  if (target.token) client.token = target.token;
  if (target.ca) client.ca = target.ca;
  switch (target.driver) {
    case 'caddy':
      return new CaddyDriver(parseCaddyOptions(target.options, target.baseDir, where), client);
    default:
      throw new Error(`no driver ${target.driver}`);
  }
}
