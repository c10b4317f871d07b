import path from 'node:path';
import type { Origin, SourceFile } from '../model/document.js';
import type {
  AiSettings, Auth, AuthType, Consumer, Credential, GatewaySettings, LimitKey, Per, Protocol, RateLimit,
  Route, Service, Subscription, Tenant, TokenBudget, Upstream, UpstreamTarget,
} from '../model/gateway.js';
import { isName, isObj, items, strings, type Obj } from './values.js';

/**
 * gwctl/v1 data → the parts of the gateway model one file contributes. Every node keeps its
 * origin. The input may be schema-invalid (config-schema reports that): what is unusable (a
 * service without a name, an auth of an unknown type) is skipped, unknown enum values fall back
 * to the documented default, and nothing here throws on odd data.
 */
export interface PartialModel {
  gateway?: GatewaySettings;
  tenants: Tenant[];
  services: Service[];
  consumers: Consumer[];
  /** services naming a `spec`, with the value as written (for messages) */
  specLinks: SpecLink[];
}

export interface SpecLink {
  service: Service;
  /** the `spec` value as written in the config */
  written: string;
  /** absolute path, resolved against the config file's folder */
  absolute: string;
  /** the `spec` key */
  origin: Origin;
}

const AUTH_TYPES: readonly AuthType[] = ['key', 'jwt', 'basic', 'oauth2', 'mtls', 'forward', 'none'];
const PERS: readonly Per[] = ['second', 'minute', 'hour', 'day'];
const LIMIT_KEYS: readonly LimitKey[] = ['consumer', 'ip', 'tenant'];
const PROTOCOLS: readonly Protocol[] = ['http', 'https', 'grpc', 'grpcs', 'ws', 'wss'];

export function normalizeGwctlV1(source: SourceFile): PartialModel {
  const file = source.path;
  const at = (pointer: string): Origin => ({ file, pointer });
  const out: PartialModel = { tenants: [], services: [], consumers: [], specLinks: [] };
  const data = source.data;
  if (!isObj(data)) return out;

  if (isObj(data.gateway)) out.gateway = gatewaySettings(data.gateway, '/gateway', at);

  for (const [i, raw] of items(data.tenants)) {
    if (!isObj(raw) || !isName(raw.name)) continue;
    const tenant: Tenant = { name: raw.name, origin: at(`/tenants/${i}`) };
    if (typeof raw.owner === 'string') tenant.owner = raw.owner;
    out.tenants.push(tenant);
  }

  for (const [i, raw] of items(data.services)) {
    if (!isObj(raw) || !isName(raw.name)) continue;
    const pointer = `/services/${i}`;
    const service: Service = {
      name: raw.name,
      kind: oneOf(raw.kind, ['rest', 'ai', 'mcp'] as const, 'rest'),
      visibility: oneOf(raw.visibility, ['tenant', 'public'] as const, 'tenant'),
      approval: oneOf(raw.approval, ['manual', 'auto'] as const, 'manual'),
      lifecycle: oneOf(raw.lifecycle, ['draft', 'published', 'deprecated', 'retired'] as const, 'published'),
      routes: [],
      origin: at(pointer),
    };
    if (isName(raw.tenant)) service.tenant = raw.tenant;
    if (typeof raw.sunset === 'string' && raw.sunset !== '') service.sunset = raw.sunset;
    else if (raw.sunset instanceof Date) service.sunset = raw.sunset.toISOString().slice(0, 10);
    if (typeof raw.spec === 'string' && raw.spec.trim() !== '') {
      service.spec = path.resolve(path.dirname(file), raw.spec);
      out.specLinks.push({ service, written: raw.spec, absolute: service.spec, origin: at(`${pointer}/spec`) });
    }
    if (isObj(raw.upstream)) service.upstream = upstream(raw.upstream, `${pointer}/upstream`, at);
    const limit = rateLimit(raw.rateLimit, `${pointer}/rateLimit`, at);
    if (limit) service.rateLimit = limit;
    if (isObj(raw.ai)) {
      const ai = aiSettings(raw.ai, `${pointer}/ai`, at);
      if (ai) service.ai = ai;
    }
    for (const [j, rawRoute] of items(raw.routes)) {
      const route = routeOf(rawRoute, service.name, `${pointer}/routes/${j}`, at);
      if (route) service.routes.push(route);
    }
    out.services.push(service);
  }

  for (const [i, raw] of items(data.consumers)) {
    if (!isObj(raw) || !isName(raw.name)) continue;
    const pointer = `/consumers/${i}`;
    const consumer: Consumer = { name: raw.name, credentials: [], subscriptions: [], origin: at(pointer) };
    if (isName(raw.tenant)) consumer.tenant = raw.tenant;
    for (const [j, rawCredential] of items(raw.credentials)) {
      const credential = credentialOf(rawCredential, at(`${pointer}/credentials/${j}`));
      if (credential) consumer.credentials.push(credential);
    }
    for (const [j, rawSubscription] of items(raw.subscriptions)) {
      if (!isObj(rawSubscription) || !isName(rawSubscription.service)) continue;
      const status = rawSubscription.status;
      // A subscription whose status is not one of the three grants nothing and is not rendered.
      if (status !== 'approved' && status !== 'pending' && status !== 'rejected') continue;
      const subscription: Subscription = { service: rawSubscription.service, status, origin: at(`${pointer}/subscriptions/${j}`) };
      if (typeof rawSubscription.approvedBy === 'string' && rawSubscription.approvedBy.trim() !== '') subscription.approvedBy = rawSubscription.approvedBy;
      if (typeof rawSubscription.approvedAt === 'string') subscription.approvedAt = rawSubscription.approvedAt;
      else if (rawSubscription.approvedAt instanceof Date) subscription.approvedAt = rawSubscription.approvedAt.toISOString();
      consumer.subscriptions.push(subscription);
    }
    out.consumers.push(consumer);
  }
  return out;
}

function gatewaySettings(raw: Obj, pointer: string, at: (p: string) => Origin): GatewaySettings {
  const settings: GatewaySettings = { origin: at(pointer) };
  if (typeof raw.name === 'string') settings.name = raw.name;
  if (isObj(raw.tls)) {
    settings.tls = { origin: at(`${pointer}/tls`) };
    const version = tlsVersion(raw.tls.minVersion);
    if (version) settings.tls.minVersion = version;
  }
  if (isObj(raw.defaults)) {
    settings.defaults = { origin: at(`${pointer}/defaults`) };
    const auth = authOf(raw.defaults.auth, `${pointer}/defaults/auth`, at);
    if (auth) settings.defaults.auth = auth;
    const limit = rateLimit(raw.defaults.rateLimit, `${pointer}/defaults/rateLimit`, at);
    if (limit) settings.defaults.rateLimit = limit;
  }
  return settings;
}

/** "1.2", and 1.2 as YAML reads an unquoted 1.2; 1 (from `1.0`) becomes "1.0". */
function tlsVersion(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return Number.isInteger(value) ? value.toFixed(1) : String(value);
  return undefined;
}

function routeOf(raw: unknown, service: string, pointer: string, at: (p: string) => Origin): Route | undefined {
  if (!isObj(raw) || !isName(raw.name)) return undefined;
  const protocols = strings(raw.protocols).filter((p): p is Protocol => (PROTOCOLS as readonly string[]).includes(p));
  const route: Route = {
    name: raw.name,
    service,
    paths: strings(raw.paths),
    methods: [...new Set(strings(raw.methods).map((m) => m.toUpperCase()))],
    hosts: strings(raw.hosts).map((h) => h.toLowerCase()),
    // The documented default; rules only ever report protocols that were written.
    protocols: protocols.length > 0 ? protocols : ['https'],
    public: raw.public === true,
    origin: at(pointer),
  };
  const auth = authOf(raw.auth, `${pointer}/auth`, at);
  if (auth) route.auth = auth;
  const limit = rateLimit(raw.rateLimit, `${pointer}/rateLimit`, at);
  if (limit) route.rateLimit = limit;
  if (typeof raw.reason === 'string') route.reason = raw.reason;
  return route;
}

function authOf(raw: unknown, pointer: string, at: (p: string) => Origin): Auth | undefined {
  if (!isObj(raw) || !(AUTH_TYPES as readonly unknown[]).includes(raw.type)) return undefined;
  const auth: Auth = { type: raw.type as AuthType, origin: at(pointer) };
  if (typeof raw.header === 'string' && raw.header !== '') auth.header = raw.header;
  if (typeof raw.url === 'string' && raw.url !== '') auth.url = raw.url;
  return auth;
}

function rateLimit(raw: unknown, pointer: string, at: (p: string) => Origin): RateLimit | undefined {
  if (!isObj(raw)) return undefined;
  const { requests, per } = raw;
  if (typeof requests !== 'number' || !(requests > 0) || !Number.isFinite(requests)) return undefined;
  if (!(PERS as readonly unknown[]).includes(per)) return undefined;
  return { requests, per: per as Per, key: oneOf(raw.key, LIMIT_KEYS, 'consumer'), origin: at(pointer) };
}

function tokenBudget(raw: unknown, pointer: string, at: (p: string) => Origin): TokenBudget | undefined {
  if (!isObj(raw)) return undefined;
  const { tokens, per } = raw;
  if (typeof tokens !== 'number' || !(tokens > 0) || !Number.isFinite(tokens)) return undefined;
  if (!(PERS as readonly unknown[]).includes(per)) return undefined;
  return { tokens, per: per as Per, key: oneOf(raw.key, LIMIT_KEYS, 'consumer'), origin: at(pointer) };
}

function upstream(raw: Obj, pointer: string, at: (p: string) => Origin): Upstream {
  const targets: UpstreamTarget[] = [];
  for (const [i, rawTarget] of items(raw.targets)) {
    if (!isObj(rawTarget) || typeof rawTarget.url !== 'string' || rawTarget.url === '') continue;
    const target: UpstreamTarget = { url: rawTarget.url, origin: at(`${pointer}/targets/${i}`) };
    if (typeof rawTarget.weight === 'number') target.weight = rawTarget.weight;
    targets.push(target);
  }
  const result: Upstream = { targets, origin: at(pointer) };
  if (isObj(raw.tls)) {
    result.tls = { origin: at(`${pointer}/tls`) };
    if (typeof raw.tls.verify === 'boolean') result.tls.verify = raw.tls.verify;
  }
  if (typeof raw.timeoutMs === 'number' && raw.timeoutMs > 0) result.timeoutMs = raw.timeoutMs;
  return result;
}

function aiSettings(raw: Obj, pointer: string, at: (p: string) => Origin): AiSettings | undefined {
  if (typeof raw.provider !== 'string' || raw.provider === '') return undefined;
  const ai: AiSettings = { provider: raw.provider, origin: at(pointer) };
  if (typeof raw.model === 'string') ai.model = raw.model;
  if (typeof raw.apiKey === 'string') ai.apiKey = raw.apiKey;
  const budget = tokenBudget(raw.tokenBudget, `${pointer}/tokenBudget`, at);
  if (budget) ai.tokenBudget = budget;
  return ai;
}

function credentialOf(raw: unknown, origin: Origin): Credential | undefined {
  if (!isObj(raw)) return undefined;
  switch (raw.type) {
    case 'key':
      return { type: 'key', key: typeof raw.key === 'string' ? raw.key : '', origin };
    case 'basic':
      return {
        type: 'basic',
        username: typeof raw.username === 'string' ? raw.username : '',
        password: typeof raw.password === 'string' ? raw.password : '',
        origin,
      };
    case 'jwt':
    case 'oauth2':
    case 'mtls': {
      const rest: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) if (key !== 'type' && !key.startsWith('x-')) rest[key] = value;
      return { ...rest, type: raw.type, origin };
    }
    default:
      return undefined;
  }
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly unknown[]).includes(value) ? (value as T) : fallback;
}
