import type { Origin, SourceFile } from './document.js';

/**
 * The gateway-neutral model every config format (gwctl/v1, Kong decK, APISIX ADC) is normalised
 * into. Every node keeps `origin`: the file and pointer it came from, so findings point there.
 * Secrets stay as their reference strings (`${env:NAME}`, `${file:PATH}`); only drivers resolve them.
 */

export type AuthType = 'key' | 'jwt' | 'basic' | 'oauth2' | 'mtls' | 'forward' | 'none';
export type Per = 'second' | 'minute' | 'hour' | 'day';
export type LimitKey = 'consumer' | 'ip' | 'tenant';
export type Protocol = 'http' | 'https' | 'grpc' | 'grpcs' | 'ws' | 'wss';

export interface Auth {
  type: AuthType;
  /** key auth: request header carrying the key (default X-API-Key) */
  header?: string;
  /** forward auth: the verifying endpoint */
  url?: string;
  origin: Origin;
}

export interface RateLimit {
  requests: number;
  per: Per;
  key: LimitKey;
  origin: Origin;
}

export interface TokenBudget {
  tokens: number;
  per: Per;
  key: LimitKey;
  origin: Origin;
}

export interface Tenant {
  name: string;
  owner?: string;
  origin: Origin;
}

export interface UpstreamTarget {
  url: string;
  weight?: number;
  origin: Origin;
}

export interface Upstream {
  targets: UpstreamTarget[];
  tls?: { verify?: boolean; origin: Origin };
  timeoutMs?: number;
  origin: Origin;
}

export interface Route {
  name: string;
  /** the owning service's name */
  service: string;
  paths: string[];
  /** upper-case; empty = all methods */
  methods: string[];
  hosts: string[];
  protocols: Protocol[];
  auth?: Auth;
  rateLimit?: RateLimit;
  public: boolean;
  reason?: string;
  origin: Origin;
}

export interface AiSettings {
  provider: string;
  model?: string;
  /** a secret reference, never a resolved value */
  apiKey?: string;
  tokenBudget?: TokenBudget;
  origin: Origin;
}

export interface Service {
  name: string;
  tenant?: string;
  kind: 'rest' | 'ai' | 'mcp';
  /** absolute path of the linked OpenAPI document, when the service names one */
  spec?: string;
  /**
   * Why the linked spec is not in `GatewayModel.specs` (not found, not an OpenAPI document), as a
   * sentence naming the path as written; `route-matches-spec` reports it at the service's `spec`.
   */
  specProblem?: string;
  visibility: 'tenant' | 'public';
  approval: 'manual' | 'auto';
  lifecycle: 'draft' | 'published' | 'deprecated' | 'retired';
  sunset?: string;
  upstream?: Upstream;
  rateLimit?: RateLimit;
  routes: Route[];
  ai?: AiSettings;
  origin: Origin;
}

export type Credential =
  | { type: 'key'; key: string; origin: Origin }
  | { type: 'basic'; username: string; password: string; origin: Origin }
  | { type: 'jwt' | 'oauth2' | 'mtls'; [field: string]: unknown; origin: Origin };

export interface Subscription {
  service: string;
  status: 'approved' | 'pending' | 'rejected';
  approvedBy?: string;
  approvedAt?: string;
  origin: Origin;
}

export interface Consumer {
  name: string;
  tenant?: string;
  credentials: Credential[];
  subscriptions: Subscription[];
  origin: Origin;
}

export interface GatewaySettings {
  name?: string;
  tls?: { minVersion?: '1.2' | '1.3' | string; origin: Origin };
  defaults?: { auth?: Auth; rateLimit?: RateLimit; origin: Origin };
  origin: Origin;
}

export interface GatewayModel {
  gateway?: GatewaySettings;
  tenants: Tenant[];
  services: Service[];
  consumers: Consumer[];
  /** the config files this model was built from */
  files: SourceFile[];
  /** linked OpenAPI documents, by absolute path (only those that loaded) */
  specs: Map<string, SourceFile>;
}

/** A route's policy after inheritance (route → service → gateway defaults). */
export interface EffectivePolicy {
  route: Route;
  service: Service;
  tenant?: string;
  auth: Auth | { type: 'none'; origin?: Origin };
  /** the tightest of route, service and gateway default, by requests per second */
  rateLimit?: RateLimit;
  protocols: Protocol[];
  minTlsVersion?: string;
  upstreamTls: { https: boolean; verify: boolean };
  /** consumers holding an approved subscription that the access rules allow */
  allowedConsumers: string[];
}
