import type { Rule } from '../../model/rule.js';
import { configSchema } from './config-schema.js';
import { routeAuthRequired } from './route-auth-required.js';
import { routeTlsOnly } from './route-tls-only.js';
import { upstreamTlsVerified } from './upstream-tls-verified.js';
import { upstreamHttps } from './upstream-https.js';
import { routeRateLimitDeclared } from './route-rate-limit-declared.js';
import { tenantScoped } from './tenant-scoped.js';
import { tenantIsolation } from './tenant-isolation.js';
import { publicServiceRequiresApproval } from './public-service-requires-approval.js';
import { subscriptionApproved } from './subscription-approved.js';
import { subscriptionPending } from './subscription-pending.js';
import { secretsNotInline } from './secrets-not-inline.js';
import { routeUnique } from './route-unique.js';
import { lifecycleConsistent } from './lifecycle-consistent.js';
import { aiTokenBudgetDeclared } from './ai-token-budget-declared.js';
import { routeMatchesSpec } from './route-matches-spec.js';
import { operationRouted } from './operation-routed.js';
import { authMatchesSpec } from './auth-matches-spec.js';
import { rateLimitMatchesSpec } from './rate-limit-matches-spec.js';

/** Rules on gateway configs and across a config and its linked specs. */
export const GATEWAY_RULES: readonly Rule[] = [
  configSchema,
  routeAuthRequired,
  routeTlsOnly,
  upstreamTlsVerified,
  upstreamHttps,
  routeRateLimitDeclared,
  tenantScoped,
  tenantIsolation,
  publicServiceRequiresApproval,
  subscriptionApproved,
  subscriptionPending,
  secretsNotInline,
  routeUnique,
  lifecycleConsistent,
  aiTokenBudgetDeclared,
  routeMatchesSpec,
  operationRouted,
  authMatchesSpec,
  rateLimitMatchesSpec,
];
