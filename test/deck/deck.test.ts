/** Kong decK configs mapped into the gateway model: origins, tenants, policy resolution, lint and explain end to end. */
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/model/errors.js';
import { effectivePolicies } from '../../src/normalize/effective-policy.js';
import { ROOT, gwctl, json } from '../e2e/run.js';
import { modelFrom, project } from '../gateway/helpers.js';

const FIXTURE = path.join(ROOT, 'fixtures', 'deck', 'kong.yaml');
const LITERAL_KEY = 'sk_live_dashboards_4f9a2c71e0';

async function fixtureModel() {
  const dir = path.dirname(FIXTURE);
  return (await modelFrom(dir, ['kong.yaml'])).model;
}

describe('buildGatewayModel on a decK file', () => {
  it('maps services, routes and consumers with origins pointing into the decK file', async () => {
    const model = await fixtureModel();
    const at = (pointer: string) => ({ file: FIXTURE, pointer });
    expect(model.services.map((s) => [s.name, s.origin.pointer, s.routes.map((r) => [r.name, r.origin.pointer])])).toEqual([
      ['payments-api', '/services/0', [
        ['list-payments', '/services/0/routes/0'],
        ['create-payment', '/services/0/routes/1'],
        ['payments-legacy', '/services/0/routes/2'],
        ['payment-webhooks', '/routes/0'],
      ]],
      ['reports-api', '/services/1', [['reports', '/services/1/routes/0']]],
    ]);
    const payments = model.services[0]!;
    expect(payments).toMatchObject({ tenant: 'payments', kind: 'rest', visibility: 'tenant', approval: 'manual', lifecycle: 'published' });
    expect(payments.upstream?.targets).toEqual([{ url: 'https://payments.internal:8443/v1', origin: at('/services/0') }]);
    expect(model.services[1]!.upstream?.targets).toEqual([{ url: 'http://reports.internal:8080/', origin: at('/services/1') }]);
    const create = payments.routes[1]!;
    expect(create).toMatchObject({ service: 'payments-api', paths: ['/v1/payments'], methods: ['POST'], hosts: ['api.example.com'], protocols: ['https'], public: false });
    expect(model.consumers.map((c) => [c.name, c.tenant, c.origin.pointer])).toEqual([
      ['acme-mobile', 'payments', '/consumers/0'],
      ['dashboards', 'analytics', '/consumers/1'],
    ]);
    expect(model.consumers[1]!.credentials).toEqual([
      { type: 'key', key: LITERAL_KEY, origin: at('/consumers/1/keyauth_credentials/0') },
      { type: 'basic', username: 'dashboards', password: '${{ env "DECK_DASHBOARDS_PASSWORD" }}', origin: at('/consumers/1/basicauth_credentials/0') },
    ]);
  });

  it('names tenants once each, at `_workspace` or at the first `tenant:<name>` tag', async () => {
    const model = await fixtureModel();
    expect(model.tenants).toEqual([
      { name: 'payments', origin: { file: FIXTURE, pointer: '/_workspace' } },
      { name: 'analytics', origin: { file: FIXTURE, pointer: '/services/1/tags/0' } },
    ]);
    expect(model.services[1]!.tenant).toBe('analytics');
  });

  it('resolves auth and rate limit per route: route plugin, else service plugin, else global; tightest unit of a plugin', async () => {
    const model = await fixtureModel();
    const rows = effectivePolicies(model).map((p) => [p.route.name, p.auth.type, p.auth.origin?.pointer, p.rateLimit && `${p.rateLimit.requests}/${p.rateLimit.per} ${p.rateLimit.key}`, p.rateLimit?.origin.pointer]);
    expect(rows).toEqual([
      ['list-payments', 'key', '/services/0/plugins/0', '600/minute consumer', '/services/0/plugins/1'],
      ['create-payment', 'jwt', '/services/0/routes/1/plugins/0', '1000/hour ip', '/services/0/routes/1/plugins/1'],
      ['payments-legacy', 'key', '/services/0/plugins/0', '600/minute consumer', '/services/0/plugins/1'],
      // a top-level route inherits its service's plugins; a top-level plugin naming the route wins; limit_by header → consumer
      ['payment-webhooks', 'basic', '/routes/0/plugins/0', '100/minute consumer', '/plugins/0'],
      ['reports', 'none', undefined, undefined, undefined],
    ]);
    expect(model.services[0]!.routes[0]!.auth?.header).toBe('X-Api-Key');
    // Kong's precedence replaces, it does not combine: the model keeps no service-wide limit
    expect(model.services[0]!.rateLimit).toBeUndefined();
  });

  it('turns acl plugins into approved subscriptions at the consumer acl entry that matches', async () => {
    const model = await fixtureModel();
    expect(model.consumers.map((c) => c.subscriptions)).toEqual([
      [{ service: 'payments-api', status: 'approved', approvedBy: 'acl:payments-clients', origin: { file: FIXTURE, pointer: '/consumers/0/acls/0' } }],
      [{ service: 'payments-api', status: 'approved', approvedBy: 'acl:payments-clients', origin: { file: FIXTURE, pointer: '/consumers/1/acls/1' } }],
    ]);
  });

  it('applies global plugins, Kong defaults (protocols, key name, service protocol) and skips disabled plugins', async () => {
    const dir = project({
      'kong.yaml': `_format_version: "3.0"
services:
  - name: a
    host: a.internal
    tags: [tenant:t1, team:x]
    tls_verify: false
    plugins:
      - name: rate-limiting
        enabled: false
        config: { second: 1 }
    routes:
      - paths: [/a]
      - name: b
        paths: [/b]
        plugins:
          - name: mtls-auth
routes:
  - name: orphan
    paths: [/o]
plugins:
  - name: key-auth
  - name: rate-limiting
    config: { day: 86400, hour: 1800, limit_by: ip }
  - name: acl
    config: { allow: [g] }
consumers:
  - custom_id: c1
    tags: [tenant:t2]
    acls: [{ group: g }]
  - username: c2
`,
    });
    const file = path.join(dir, 'kong.yaml');
    const { model } = await modelFrom(dir, ['kong.yaml']);
    const service = model.services[0]!;
    expect(service.upstream).toEqual({
      targets: [{ url: 'http://a.internal:80', origin: { file, pointer: '/services/0' } }],
      tls: { verify: false, origin: { file, pointer: '/services/0' } },
      origin: { file, pointer: '/services/0' },
    });
    expect(service.tenant).toBe('t1');
    // the top-level route without a service is not governed here
    expect(service.routes.map((r) => [r.name, r.protocols, r.auth?.type, r.auth?.header, r.auth?.origin.pointer, r.rateLimit?.per, r.rateLimit?.key, r.rateLimit?.origin.pointer])).toEqual([
      ['route-0', ['http', 'https'], 'key', 'apikey', '/plugins/0', 'hour', 'ip', '/plugins/1'],
      ['b', ['http', 'https'], 'mtls', undefined, '/services/0/routes/1/plugins/0', 'hour', 'ip', '/plugins/1'],
    ]);
    expect(model.tenants.map((t) => [t.name, t.origin.pointer])).toEqual([['t1', '/services/0/tags/0'], ['t2', '/consumers/0/tags/0']]);
    expect(model.consumers.map((c) => [c.name, c.tenant, c.subscriptions.map((s) => s.approvedBy)])).toEqual([['c1', 't2', ['acl:g']], ['c2', undefined, []]]);
  });

  it('merges with gwctl/v1 files: a tenant defined there is not repeated; a duplicate service names both places', async () => {
    const deck = `_format_version: "3.0"
_workspace: shop
services:
  - name: catalog
    url: https://catalog.internal
`;
    const v1 = (service: string) => `format: gwctl/v1
tenants:
  - name: shop
services:
  - name: ${service}
    tenant: shop
    upstream: { targets: [{ url: "https://x.internal" }] }
`;
    const dir = project({ 'kong.yaml': deck, 'gw.yaml': v1('orders') });
    const { model } = await modelFrom(dir, ['kong.yaml', 'gw.yaml']);
    expect(model.tenants).toEqual([{ name: 'shop', origin: { file: path.join(dir, 'gw.yaml'), pointer: '/tenants/0' } }]);
    expect(model.services.map((s) => [s.name, s.tenant])).toEqual([['catalog', 'shop'], ['orders', 'shop']]);

    const clash = project({ 'kong.yaml': deck, 'gw.yaml': v1('catalog') });
    const error = await modelFrom(clash, ['kong.yaml', 'gw.yaml']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as Error).message).toMatch(/service 'catalog' is defined twice: here and at kong\.yaml:4:/);
  });
});

describe('gwctl on a decK file (the real bin)', () => {
  it('lint reports the violations at their places in the decK file', () => {
    const run = gwctl(['lint', 'fixtures/deck/kong.yaml', '-f', 'json']);
    expect(run.code).toBe(1);
    expect(json(run).findings.map((f) => [f.rule, f.file, f.pointer, f.line])).toEqual([
      ['route-tls-only', 'fixtures/deck/kong.yaml', '/services/0/routes/2/protocols', 46],
      ['upstream-https', 'fixtures/deck/kong.yaml', '/services/1/url', 49],
      ['route-auth-required', 'fixtures/deck/kong.yaml', '/services/1/routes/0', 52],
      ['route-rate-limit-declared', 'fixtures/deck/kong.yaml', '/services/1/routes/0', 52],
      ['secrets-not-inline', 'fixtures/deck/kong.yaml', '/consumers/1/keyauth_credentials/0/key', 85],
      ['tenant-isolation', 'fixtures/deck/kong.yaml', '/consumers/1/acls/1/service', 91],
    ]);
    expect(run.stdout).not.toContain(LITERAL_KEY);
  });

  it("secrets-not-inline reports decK's literal key-auth key, not its vault or env references", () => {
    const run = gwctl(['lint', 'fixtures/deck/kong.yaml', '-f', 'json']);
    const secrets = json(run).findings.filter((f) => f.rule === 'secrets-not-inline');
    expect(secrets.map((f) => f.pointer)).toEqual(['/consumers/1/keyauth_credentials/0/key']);
    expect(String(secrets[0]!.message)).not.toContain(LITERAL_KEY);
  });

  it('explain lists the routes with their resolved policies', () => {
    const run = gwctl(['explain', 'fixtures/deck/kong.yaml', '--format', 'json']);
    expect(run.code).toBe(0);
    const rows = (JSON.parse(run.stdout) as { rows: Array<Record<string, unknown>> }).rows;
    expect(rows.map((r) => [r.kind, r.tenant, r.service, r.route, r.auth, r.tls, r.callers, r.line])).toEqual([
      ['route', 'analytics', 'reports-api', 'reports', 'none', 'https', ['*'], 52],
      ['route', 'payments', 'payments-api', 'list-payments', 'key (X-Api-Key)', 'https', ['acme-mobile'], 26],
      ['route', 'payments', 'payments-api', 'create-payment', 'jwt', 'https', ['acme-mobile'], 31],
      ['route', 'payments', 'payments-api', 'payments-legacy', 'key (X-Api-Key)', 'http', ['acme-mobile'], 43],
      ['route', 'payments', 'payments-api', 'payment-webhooks', 'basic', 'https', ['acme-mobile'], 58],
    ]);
  });

  it('plan still refuses a decK input, even a clean one', () => {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'gwctl-deck-')));
    writeFileSync(path.join(dir, 'kong.yaml'), `_format_version: "3.0"
_workspace: shop
services:
  - name: catalog
    url: https://catalog.internal
    plugins:
      - name: key-auth
      - name: rate-limiting
        config: { minute: 60 }
    routes:
      - name: list
        paths: [/catalog]
        protocols: [https]
`);
    const clean = gwctl(['lint', 'kong.yaml'], { cwd: dir });
    expect(clean.code).toBe(0);
    const run = gwctl(['plan', 'kong.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('renders gwctl/v1 configs only');
  });
});
