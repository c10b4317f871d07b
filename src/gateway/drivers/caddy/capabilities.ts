import type { Capabilities } from '../../driver.js';

/**
 * What stock Caddy (2.6.2, the Debian package) enforces. Rate limiting needs a third-party
 * module; JWT/OAuth2 validation too; `lb_policy: weighted_round_robin` arrived only in 2.7, so
 * upstream weights would be silently ignored. mTLS is left to a later version of the driver.
 */
export const CADDY_CAPABILITIES: Capabilities = {
  auth: ['key', 'basic', 'forward'],
  rateLimit: false,
  tls: ['internal', 'off', 'files'],
  weights: false,
  tokenBudget: false,
};
