import { SECRET_MASK } from '../../../model/plan.js';

/**
 * Secret positions in what the Caddy driver writes, by structure (so a key that was removed from
 * the config, and is only in the live state, is masked too):
 * - the values of header matchers (API keys),
 * - `password` of http_basic accounts (bcrypt hashes; derived from secrets, still not shown).
 */
export function maskCaddy(value: unknown, key?: string): unknown {
  // An array element is reached through its array's key.
  if (Array.isArray(value)) return value.map((v) => maskCaddy(v, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'header' && key === 'match') out[k] = maskAll(v);
      else if (k === 'password' && key === 'accounts') out[k] = maskAll(v);
      else out[k] = maskCaddy(v, k);
    }
    return out;
  }
  return value;
}

function maskAll(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskAll);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v)]));
  return value === undefined || value === null ? value : SECRET_MASK;
}
