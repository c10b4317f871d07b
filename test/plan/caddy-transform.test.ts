import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Consumer, GatewayModel, Route, Service } from '../../src/model/gateway.js';
import { PolicyRefusal, UsageError } from '../../src/model/errors.js';
import { effectivePolicies } from '../../src/normalize/effective-policy.js';
import { CaddyDriver } from '../../src/gateway/drivers/caddy/index.js';
import { readSnapshot, snapshotToLive } from '../../src/gateway/drivers/caddy/fetch.js';
import { simulate } from '../../src/gateway/drivers/caddy/operate.js';
import { caddyPath } from '../../src/gateway/drivers/caddy/transform.js';
import { parseCaddyOptions, type CaddyOptions, type JsonObject } from '../../src/gateway/drivers/caddy/types.js';
import { apiKeyProblem, dialProblem, parseServiceUrl, routePathProblem } from '../../src/gateway/drivers/caddy/validate.js';
import { SecretResolver } from '../../src/gateway/secrets.js';
import { refuseUnenforced, unenforcedPolicies } from '../../src/gateway/unenforced.js';
import { diff } from '../../src/plan/diff.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-transform-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const origin = (pointer = '') => ({ file: path.join(dir, 'gw.yaml'), pointer });

function routeOf(name: string, extra: Partial<Route> = {}): Route {
  return { name, service: 'items', paths: ['/v1/items'], methods: ['GET'], hosts: [], protocols: ['https'], public: false, origin: origin(), ...extra };
}

function model(routes: Route[], consumers: Consumer[], service: Partial<Service> = {}): GatewayModel {
  return {
    gateway: { defaults: { rateLimit: { requests: 10, per: 'second', key: 'consumer', origin: origin() }, origin: origin() }, origin: origin() },
    tenants: [{ name: 'shop', origin: origin() }],
    services: [{
      name: 'items', tenant: 'shop', kind: 'rest', visibility: 'tenant', approval: 'manual', lifecycle: 'published',
      upstream: { targets: [{ url: 'https://items.internal:8443/base', origin: origin() }], origin: origin() },
      routes, origin: origin(), ...service,
    }],
    consumers,
    files: [],
    specs: new Map(),
  };
}

const consumer = (name: string, status: 'approved' | 'pending', credentials: Consumer['credentials']): Consumer => ({
  name, tenant: 'shop', credentials, subscriptions: [{ service: 'items', status, approvedBy: 'x@example.com', origin: origin() }], origin: origin(),
});

const options: CaddyOptions = { server: 'gw', listen: ['127.0.0.1:8443'], tls: { mode: 'off' } };
const emptyLive = () => snapshotToLive(readSnapshot({ apps: { http: { servers: { other: { listen: [':9000'] } } } } }, '"/config/ 0"', options), options);

function render(m: GatewayModel, env: Record<string, string>, live = emptyLive(), opts = options) {
  const driver = new CaddyDriver(opts, { baseUrl: 'http://127.0.0.1:1' });
  const secrets = new SecretResolver({ env, root: dir });
  const desired = driver.transform({ model: m, policies: effectivePolicies(m), secrets, live, display: (f) => f });
  return { driver, desired, secrets, server: (desired.native as { server: JsonObject }).server, problems: driver.validate(desired, live) };
}

describe('Caddy transform', () => {
  it('key auth admits only approved consumers, never with an empty value list', () => {
    const m = model([routeOf('list', { auth: { type: 'key', origin: origin() } })], [
      consumer('alice', 'approved', [{ type: 'key', key: '${env:ALICE}', origin: origin('/consumers/0/credentials/0') }]),
      consumer('pending', 'pending', [{ type: 'key', key: '${env:PENDING}', origin: origin() }]),
    ]);
    const { server, problems } = render(m, { ALICE: 'alice-key', PENDING: 'pending-key' });
    expect(problems).toEqual([]);
    const route = (server.routes as JsonObject[])[0]!;
    expect(route['@id']).toBe('gwctl-gw.items.list');
    expect(route.match).toEqual([{ path: ['/v1/items'], method: ['GET'] }]);
    const text = JSON.stringify(route);
    expect(text).toContain('alice-key');
    expect(text).not.toContain('pending-key');
    expect(text).toContain('"rewrite"');
    expect(text).toContain('/base{http.request.uri}');
    expect(text).toContain('"dial":"items.internal:8443"');
    expect((server.routes as JsonObject[]).at(-1)).toEqual({ '@id': 'gwctl-gw.not-found', handle: [{ handler: 'static_response', status_code: 404 }] });

    const none = render(model([routeOf('list', { auth: { type: 'key', origin: origin() } })], []), {});
    expect(JSON.stringify(none.server)).not.toContain('"header"');
    expect(none.problems).toEqual([]);
  });

  it('reuses a live bcrypt hash that still verifies, so a second plan is empty', () => {
    const m = model([routeOf('b', { auth: { type: 'basic', origin: origin() } })], [
      consumer('alice', 'approved', [{ type: 'basic', username: 'alice', password: '${env:PW}', origin: origin() }]),
    ]);
    const first = render(m, { PW: 'pw-one' });
    const hash = JSON.stringify(first.server).match(/\$2[aby]\$10\$[./A-Za-z0-9]{53}/)![0];
    expect(bcrypt.compareSync('pw-one', hash)).toBe(true);
    const config = { apps: { http: { servers: { gw: first.server } } } };
    const live = snapshotToLive(readSnapshot(config as JsonObject, '"/config/ 1"', options), options);
    const second = render(m, { PW: 'pw-one' }, live);
    expect(diff(second.desired.objects, live.objects, { kindOrder: second.driver.kindOrder, normalize: (v) => second.driver.normalize(v) })).toEqual([]);
    const changed = render(m, { PW: 'pw-two' }, live);
    const changes = diff(changed.desired.objects, live.objects, { kindOrder: changed.driver.kindOrder, mask: (o, v) => changed.driver.mask(o, v) });
    expect(changes.map((c) => `${c.action} ${c.key}`)).toEqual(['update gwctl-gw.items.b']);
    expect(JSON.stringify(changes)).not.toMatch(/\$2[aby]\$/);
    expect(changed.secrets.redact(`x ${hash} y`)).toBe('x (secret) y');
  });

  it('renders forward auth as a reverse_proxy whose 2xx lets the chain continue', () => {
    const m = model([routeOf('f', { auth: { type: 'forward', url: 'https://authz.internal/verify?x=1', origin: origin() } })], []);
    const { server } = render(m, {});
    const handle = (server.routes as JsonObject[])[0]!.handle as JsonObject[];
    expect(handle[0]).toMatchObject({
      handler: 'reverse_proxy', upstreams: [{ dial: 'authz.internal:443' }], rewrite: { method: 'GET', uri: '/verify?x=1' },
      transport: { protocol: 'http', tls: {} }, handle_response: [{ match: { status_code: [2] } }],
    });
    expect(handle.at(-1)).toMatchObject({ handler: 'reverse_proxy', upstreams: [{ dial: 'items.internal:8443' }] });
  });

  it('orders specific routes first and turns templates into one-segment globs', () => {
    const m = model([
      routeOf('by-id', { paths: ['/v1/items/{id}'] }),
      routeOf('search', { paths: ['/v1/items/search'] }),
      routeOf('hosted', { paths: ['/v1/items/{id}'], hosts: ['API.example.com'] }),
    ].map((r) => ({ ...r, auth: { type: 'none' as const, origin: origin() }, public: true, reason: 'test' })), []);
    const { server } = render(m, {});
    expect((server.routes as JsonObject[]).map((r) => r['@id'])).toEqual(['gwctl-gw.items.hosted', 'gwctl-gw.items.search', 'gwctl-gw.items.by-id', 'gwctl-gw.not-found']);
    expect(caddyPath('/v1/items/{id}')).toBe('/v1/items/*[^/]');
    expect(caddyPath('/a/{x}/b/{y}.json')).toBe('/a/*[^/]/b/*[^/].json');
  });

  it('reports what Caddy would accept but misread, without secret values', () => {
    const m = model([routeOf('k', { auth: { type: 'key', origin: origin() }, paths: ['/v1/*'] })], [
      consumer('alice', 'approved', [{ type: 'key', key: '${env:K}', origin: origin() }]),
    ], { upstream: { targets: [{ url: 'http://bad host:80', origin: origin() }], origin: origin() } });
    const { problems } = render(m, { K: 'key-with-{brace}' });
    expect(problems.join('\n')).toMatch(/path '\/v1\/\*' contains a glob character/);
    expect(problems.join('\n')).toMatch(/consumer alice: key credential #1 contains '\{'/);
    expect(problems.join('\n')).toMatch(/upstream target #1 is not a URL/);
    expect(problems.join('\n')).not.toContain('key-with');
  });

  it('refuses a listen address another server uses', () => {
    const m = model([routeOf('h', { auth: { type: 'none', origin: origin() }, public: true, reason: 'x' })], []);
    const { problems } = render(m, {}, emptyLive(), { ...options, listen: [':9000'] });
    expect(problems.join('\n')).toMatch(/listen :9000 collides with :9000 of the Caddy server 'other'/);
  });

  it('needs a host name for tls internal, and issues for every route host', () => {
    const internal: CaddyOptions = { ...options, tls: { mode: 'internal' } };
    const none = render(model([routeOf('h', { auth: { type: 'none', origin: origin() }, public: true, reason: 'x' })], []), {}, emptyLive(), internal);
    expect(none.problems.join('\n')).toMatch(/tls internal: no route names a host/);
    const hosted = render(model([routeOf('h', { hosts: ['b.test', 'a.test'], auth: { type: 'none', origin: origin() }, public: true, reason: 'x' })], []), {}, emptyLive(), internal);
    expect(hosted.problems).toEqual([]);
    expect((hosted.desired.native as { tlsPolicy: JsonObject }).tlsPolicy).toEqual({ '@id': 'gwctl-gw.tls', subjects: ['a.test', 'b.test'], issuers: [{ module: 'internal' }] });
    expect(hosted.server.tls_connection_policies).toEqual([{ default_sni: 'a.test' }]);
    expect(hosted.server.automatic_https).toEqual({ disable_redirects: true });
  });
});

describe('fail closed', () => {
  it('lists rate limits, jwt, weights and plain-HTTP serving as unenforced, and refuses them', () => {
    const m = model([routeOf('j', { auth: { type: 'jwt', origin: origin() } })], [], {
      upstream: { targets: [{ url: 'https://a:1', weight: 3, origin: origin() }, { url: 'https://b:1', weight: 1, origin: origin() }], origin: origin() },
    });
    const driver = new CaddyDriver(options, { baseUrl: 'http://127.0.0.1:1' });
    const list = unenforcedPolicies(driver, effectivePolicies(m), m);
    expect(list.map((u) => `${u.policy} ${u.service}${u.route ? `/${u.route}` : ''}`).sort()).toEqual(['jwt items/j', 'rate-limit items/j', 'tls items/j', 'weight items']);
    expect(() => refuseUnenforced(list, ['rate-limit', 'tls'], 'caddy', 'plan')).toThrow(PolicyRefusal);
    expect(() => refuseUnenforced(list, ['rate-limit', 'tls'], 'caddy', 'plan')).toThrow(/jwt .*items\/j[\s\S]*weight .*service items[\s\S]*--allow-unenforced jwt,weight/);
    expect(() => refuseUnenforced(list, ['rate-limit', 'tls', 'jwt', 'weight'], 'caddy', 'plan')).not.toThrow();
  });
});

describe('validation helpers', () => {
  it('checks keys, paths, URLs and dial addresses', () => {
    expect(apiKeyProblem('abc*')).toMatch(/wildcard/);
    expect(apiKeyProblem(' abc')).toMatch(/whitespace/);
    expect(apiKeyProblem('Zm9vYmFy-_.~+/=')).toBeUndefined();
    expect(routePathProblem('/a/{id}/b')).toBeUndefined();
    expect(routePathProblem('/a/{id')).toMatch(/template/);
    expect(routePathProblem('/a%20b')).toMatch(/%/);
    expect(parseServiceUrl('http://[::1]:8080/x/')).toMatchObject({ dial: '[::1]:8080', pathPrefix: '/x', https: false });
    expect(parseServiceUrl('ftp://a')).toMatch(/ftp/);
    expect(parseServiceUrl('https://u:p@a')).toMatch(/credentials/);
    expect(dialProblem('a.internal:0')).toMatch(/port/);
    expect(dialProblem('bad address::x')).toBeDefined();
    expect(dialProblem('127.0.0.1:8080')).toBeUndefined();
  });

  it('parses target options', () => {
    expect(parseCaddyOptions({ listen: '127.0.0.1:8443,[::1]:8443', tls: 'off' }, dir, 't')).toEqual({ server: 'gwctl', listen: ['127.0.0.1:8443', '[::1]:8443'], tls: { mode: 'off' } });
    expect(parseCaddyOptions({ tls: { certFile: 'c.pem', keyFile: 'k.pem' } }, dir, 't').tls).toEqual({ mode: 'files', certFile: path.join(dir, 'c.pem'), keyFile: path.join(dir, 'k.pem') });
    expect(() => parseCaddyOptions({ listn: ':1' }, dir, 't')).toThrow(UsageError);
    expect(() => parseCaddyOptions({ server: 'a/b' }, dir, 't')).toThrow(/server/);
  });
});

describe('secrets', () => {
  it('resolves env and file references, relative to the file, inside the root only', () => {
    mkdirSync(path.join(dir, 'secrets'), { recursive: true });
    writeFileSync(path.join(dir, 'secrets', 'k'), 'file-secret\n');
    const secrets = new SecretResolver({ env: { A: 'env-secret' }, root: dir });
    expect(secrets.resolve('${env:A}', path.join(dir, 'gw.yaml'), '/x')).toBe('env-secret');
    expect(secrets.resolve('${file:./secrets/k}', path.join(dir, 'gw.yaml'), '/x')).toBe('file-secret');
    expect(secrets.redact('a env-secret b file-secret')).toBe('a (secret) b (secret)');
    expect(() => secrets.resolve('${env:MISSING}', path.join(dir, 'gw.yaml'), '/consumers/0')).toThrow(/\$\{env:MISSING\}.*\/consumers\/0.*is not set/);
    expect(() => secrets.resolve('${file:../../etc/hostname}', path.join(dir, 'gw.yaml'), '/x')).toThrow(/outside the project root|cannot be read/);
  });
});

describe('operate', () => {
  it('simulates Caddy\'s PUT (insert), PATCH (replace) and DELETE on arrays and objects', () => {
    const config = { apps: { tls: { automation: { policies: [{ a: 1 }] } } } };
    expect(simulate(config, { method: 'PUT', path: ['apps', 'tls', 'automation', 'policies', 0], body: { b: 2 } })).toEqual({ apps: { tls: { automation: { policies: [{ b: 2 }, { a: 1 }] } } } });
    expect(simulate(config, { method: 'PATCH', path: ['apps', 'tls', 'automation', 'policies', 0], body: { b: 2 } })).toEqual({ apps: { tls: { automation: { policies: [{ b: 2 }] } } } });
    expect(simulate(config, { method: 'DELETE', path: ['apps', 'tls'] })).toEqual({ apps: {} });
    expect(simulate(config, { method: 'PUT', path: ['apps', 'http'], body: { servers: {} } })).toEqual({ apps: { tls: config.apps.tls, http: { servers: {} } } });
  });
});
