import type { Rule } from '../../model/rule.js';
import { oasAuthRequired } from './oas-auth-required.js';
import { oasNoCredentialsInUrl } from './oas-no-credentials-in-url.js';
import { oasRateLimitDeclared } from './oas-rate-limit-declared.js';
import { oasRefResolved } from './oas-ref-resolved.js';
import { oasSecuritySchemeDefined } from './oas-security-scheme-defined.js';
import { oasTenantDeclared } from './oas-tenant-declared.js';
import { oasTlsOnly } from './oas-tls-only.js';

/** Rules on OpenAPI documents (Swagger 2.0, OAS 3.0, 3.1). */
export const OAS_RULES: readonly Rule[] = [
  oasAuthRequired,
  oasSecuritySchemeDefined,
  oasTlsOnly,
  oasRateLimitDeclared,
  oasNoCredentialsInUrl,
  oasTenantDeclared,
  oasRefResolved,
];
