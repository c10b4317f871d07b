import { describe, expect, it } from 'vitest';
import { effectivePolicies, requestsPerSecond, tightest } from '../../src/normalize/effective-policy.js';
import { modelOf } from './helpers.js';

const CONFIG = `format: gwctl/v1
gateway:
  tls: { minVersion: "1.3" }
  defaults:
    auth: { type: key }
    rateLimit: { requests: 100000, per: day, key: consumer }
tenants:
  - name: shop
  - name: partners
services:
  - name: catalog
    tenant: shop
    upstream:
      targets: [{ url: https://a.internal }, { url: https://b.internal }]
    rateLimit: { requests: 600, per: minute, key: consumer }
    routes:
      - name: inherits
        paths: [/a]
      - name: own
        paths: [/b]
        auth: { type: jwt }
        rateLimit: { requests: 1, per: second, key: ip }
        protocols: [https, wss]
      - name: looser
        paths: [/c]
        rateLimit: { requests: 50, per: second, key: consumer }
      - name: health
        paths: [/health]
        auth: { type: none }
        public: true
        reason: probes
  - name: directory
    tenant: partners
    visibility: public
    upstream:
      targets: [{ url: https://a.internal }, { url: http://b.internal }]
      tls: { verify: false }
    routes:
      - name: entries
        paths: [/entries]
consumers:
  - name: same-tenant-approved
    tenant: shop
    subscriptions: [{ service: catalog, status: approved, approvedBy: a }]
  - name: same-tenant-pending
    tenant: shop
    subscriptions: [{ service: catalog, status: pending }]
  - name: same-tenant-rejected
    tenant: shop
    subscriptions: [{ service: catalog, status: rejected }]
  - name: cross-tenant-approved
    tenant: partners
    subscriptions: [{ service: catalog, status: approved, approvedBy: a }, { service: directory, status: approved, approvedBy: b }]
  - name: no-tenant
    subscriptions: [{ service: catalog, status: approved, approvedBy: a }]
  - name: other-service
    tenant: shop
    subscriptions: [{ service: directory, status: approved, approvedBy: b }]
`;

describe('effectivePolicies', () => {
  const model = modelOf(CONFIG);
  const policies = effectivePolicies(model);
  const byRoute = new Map(policies.map((p) => [p.route.name, p]));

  it('has one policy per route, in model order', () => {
    expect(policies.map((p) => p.route.name)).toEqual(['inherits', 'own', 'looser', 'health', 'entries']);
    expect(byRoute.get('entries')!.service.name).toBe('directory');
    expect(byRoute.get('entries')!.tenant).toBe('partners');
  });

  it('inherits auth from gateway.defaults unless the route sets its own', () => {
    expect(byRoute.get('inherits')!.auth.type).toBe('key');
    expect(byRoute.get('inherits')!.auth).toBe(model.gateway!.defaults!.auth);
    expect(byRoute.get('own')!.auth.type).toBe('jwt');
    expect(byRoute.get('health')!.auth.type).toBe('none');
  });

  it('has auth none when neither route nor gateway sets one', () => {
    const bare = modelOf('format: gwctl/v1\nservices:\n  - name: s\n    routes:\n      - { name: r, paths: [/x] }\n');
    const [policy] = effectivePolicies(bare);
    expect(policy!.auth.type).toBe('none');
    expect(policy!.rateLimit).toBeUndefined();
    expect(policy!.minTlsVersion).toBeUndefined();
    expect(policy!.allowedConsumers).toEqual(['*']);
  });

  it('takes the tightest rate limit by requests per second, across units', () => {
    // defaults 100000/day ≈ 1.16/s is tighter than the service's 600/minute = 10/s
    expect(byRoute.get('inherits')!.rateLimit).toBe(model.gateway!.defaults!.rateLimit);
    // the route's 1/second is tighter than both
    expect(byRoute.get('own')!.rateLimit).toBe(model.services[0]!.routes[1]!.rateLimit);
    // a route cannot loosen: its 50/second loses to the gateway default
    expect(byRoute.get('looser')!.rateLimit).toBe(model.gateway!.defaults!.rateLimit);
    expect(requestsPerSecond({ requests: 600, per: 'minute' })).toBe(10);
  });

  it('prefers the more specific limit on a tie', () => {
    const origin = { file: 'f', pointer: '' };
    const route = { requests: 60, per: 'minute' as const, key: 'consumer' as const, origin };
    const service = { requests: 1, per: 'second' as const, key: 'consumer' as const, origin };
    expect(tightest([route, service])).toBe(route);
    expect(tightest([undefined, service, undefined])).toBe(service);
    expect(tightest([])).toBeUndefined();
  });

  it('resolves protocols, TLS minimum and upstream TLS', () => {
    expect(byRoute.get('inherits')!.protocols).toEqual(['https']);
    expect(byRoute.get('own')!.protocols).toEqual(['https', 'wss']);
    expect(byRoute.get('own')!.minTlsVersion).toBe('1.3');
    expect(byRoute.get('inherits')!.upstreamTls).toEqual({ https: true, verify: true });
    expect(byRoute.get('entries')!.upstreamTls).toEqual({ https: false, verify: false });
  });

  it('allows only approved subscribers of the same tenant, or of any tenant for a public service', () => {
    expect(byRoute.get('inherits')!.allowedConsumers).toEqual(['same-tenant-approved']);
    expect(byRoute.get('entries')!.allowedConsumers).toEqual(['cross-tenant-approved', 'other-service']);
  });

  it('lets anyone call a public route', () => {
    expect(byRoute.get('health')!.allowedConsumers).toEqual(['*']);
  });
});
