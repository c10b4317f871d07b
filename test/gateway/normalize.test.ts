import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/model/errors.js';
import { modelFrom, modelOf, project } from './helpers.js';

const A = `format: gwctl/v1
gateway:
  name: edge
  defaults:
    auth: { type: key, header: X-Key }
tenants:
  - name: shop
services:
  - name: catalog
    tenant: shop
    spec: ../specs/catalog.yaml
    upstream:
      targets:
        - url: https://catalog.internal:8443
      tls: { verify: false }
    routes:
      - name: products
        paths: [/products]
        methods: [get, GET]
        auth: { type: jwt }
        rateLimit: { requests: 5, per: second }
`;

const B = `format: gwctl/v1
tenants:
  - name: partners
services:
  - name: directory
    tenant: partners
    upstream:
      targets:
        - url: https://directory.internal:8443
consumers:
  - name: web
    tenant: shop
    credentials:
      - { type: key, key: "\${env:WEB_KEY}" }
    subscriptions:
      - service: catalog
        status: approved
        approvedBy: alice
`;

const SPEC = `openapi: 3.0.3
info: { title: Catalog, version: "1" }
paths:
  /products:
    get:
      responses: { '200': { description: OK } }
`;

describe('buildGatewayModel', () => {
  it('records the origin of every node', async () => {
    const dir = project({ 'gateway/a.yaml': A, 'specs/catalog.yaml': SPEC });
    const { model } = await modelFrom(dir, ['gateway/a.yaml']);
    const file = path.join(dir, 'gateway/a.yaml');
    const service = model.services[0]!;
    const route = service.routes[0]!;
    expect(service.origin).toEqual({ file, pointer: '/services/0' });
    expect(route.origin).toEqual({ file, pointer: '/services/0/routes/0' });
    expect(route.auth?.origin).toEqual({ file, pointer: '/services/0/routes/0/auth' });
    expect(route.rateLimit).toMatchObject({ requests: 5, per: 'second', key: 'consumer', origin: { file, pointer: '/services/0/routes/0/rateLimit' } });
    expect(service.upstream?.targets[0]?.origin.pointer).toBe('/services/0/upstream/targets/0');
    expect(service.upstream?.tls).toEqual({ verify: false, origin: { file, pointer: '/services/0/upstream/tls' } });
    expect(model.gateway?.defaults?.auth).toEqual({ type: 'key', header: 'X-Key', origin: { file, pointer: '/gateway/defaults/auth' } });
    expect(model.tenants[0]!.origin).toEqual({ file, pointer: '/tenants/0' });
    // methods are upper-cased and de-duplicated; protocols get the documented default
    expect(route.methods).toEqual(['GET']);
    expect(route.protocols).toEqual(['https']);
  });

  it('resolves a spec relative to its config file and loads it into model.specs', async () => {
    const dir = project({ 'gateway/a.yaml': A, 'specs/catalog.yaml': SPEC });
    const { model } = await modelFrom(dir, ['gateway/a.yaml']);
    const spec = path.join(dir, 'specs/catalog.yaml');
    expect(model.services[0]!.spec).toBe(spec);
    expect(model.specs.get(spec)?.kind).toBe('oas3_0');
    expect(model.services[0]!.specProblem).toBeUndefined();
  });

  it('merges several files: tenants, services and consumers concatenated, gateway kept', async () => {
    const dir = project({ 'gateway/a.yaml': A, 'gateway/b.yaml': B, 'specs/catalog.yaml': SPEC });
    const { model } = await modelFrom(dir, ['gateway/a.yaml', 'gateway/b.yaml']);
    expect(model.tenants.map((t) => t.name)).toEqual(['shop', 'partners']);
    expect(model.services.map((s) => s.name)).toEqual(['catalog', 'directory']);
    expect(model.consumers.map((c) => c.name)).toEqual(['web']);
    expect(model.services[1]!.origin).toEqual({ file: path.join(dir, 'gateway/b.yaml'), pointer: '/services/0' });
    expect(model.gateway?.name).toBe('edge');
    expect(model.files).toHaveLength(2);
  });

  it('refuses a service defined in two files, naming both places', async () => {
    const dir = project({ 'a.yaml': 'format: gwctl/v1\nservices:\n  - name: shop\n', 'b.yaml': 'format: gwctl/v1\n# the same name again\nservices:\n  - name: other\n  - name: shop\n' });
    const error = await modelFrom(dir, ['a.yaml', 'b.yaml']).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    const message = (error as LoadError).message;
    expect(message).toContain("service 'shop' is defined twice");
    expect(message).toMatch(/^b\.yaml:5:5: /);
    expect(message).toContain('a.yaml:3:5');
    expect((error as LoadError).exitCode).toBe(2);
  });

  it('refuses duplicate tenants, consumers, routes of a service, and a second gateway section', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['format: gwctl/v1\ntenants:\n  - name: t\n  - name: t\n', '', /tenant 't' is defined twice: here and at a\.yaml:3:5/],
      ['format: gwctl/v1\nconsumers:\n  - name: c\n', 'format: gwctl/v1\nconsumers:\n  - name: c\n', /^b\.yaml:3:5: consumer 'c' is defined twice: here and at a\.yaml:3:5/],
      ['format: gwctl/v1\nservices:\n  - name: s\n    routes:\n      - { name: r, paths: [/a] }\n      - { name: r, paths: [/b] }\n', '', /^a\.yaml:6:9: route 'r' of service 's' is defined twice: here and at a\.yaml:5:9/],
      ['format: gwctl/v1\ngateway: { name: one }\n', 'format: gwctl/v1\ngateway: { name: two }\n', /^b\.yaml:2:1: the `gateway` section is defined twice: here and at a\.yaml:2:1/],
    ];
    for (const [a, b, pattern] of cases) {
      const files: Record<string, string> = { 'a.yaml': a };
      if (b) files['b.yaml'] = b;
      const dir = project(files);
      await expect(modelFrom(dir, Object.keys(files))).rejects.toThrow(pattern);
    }
  });

  it('records a missing or non-OpenAPI spec on the service instead of failing', async () => {
    const config = 'format: gwctl/v1\nservices:\n  - name: a\n    spec: ./nope.yaml\n  - name: b\n    spec: ./notes.yaml\n';
    const dir = project({ 'g.yaml': config, 'notes.yaml': 'title: notes\n' });
    const { model } = await modelFrom(dir, ['g.yaml']);
    expect(model.services[0]!.specProblem).toMatch(/^spec \.\/nope\.yaml not found/);
    expect(model.services[1]!.specProblem).toMatch(/^spec \.\/notes\.yaml is not an OpenAPI document/);
    expect(model.specs.size).toBe(0);
  });

  it('refuses a spec outside the project root', async () => {
    const outside = project({ 'spec.yaml': SPEC });
    const dir = project({ 'g.yaml': `format: gwctl/v1\nservices:\n  - name: a\n    spec: ${path.join(outside, 'spec.yaml')}\n` });
    await expect(modelFrom(dir, ['g.yaml'])).rejects.toThrow(/^g\.yaml:4:5: .*outside the project root/);
  });

  it('tolerates schema-invalid input: skips what is unusable, defaults unknown values', () => {
    const model = modelOf(`format: gwctl/v1
gateway: [not, a, mapping]
tenants: oops
services:
  - just a string
  - tenant: no-name
  - name: catalog
    kind: banana
    approval: yes
    visibility: 42
    lifecycle: null
    upstream: { targets: [{ url: 7 }, { url: "https://ok" }], tls: { verify: maybe } }
    rateLimit: { requests: -1, per: second }
    routes:
      - { paths: [/no-name] }
      - name: r
        paths: [/a, 5, null]
        methods: GET
        auth: { type: magic }
        protocols: [http, gopher]
consumers:
  - name: c
    credentials: [{ type: unknown }, { type: key }]
    subscriptions: [{ service: catalog, status: maybe }, { service: catalog, status: pending }]
`);
    expect(model.gateway).toBeUndefined();
    expect(model.tenants).toEqual([]);
    expect(model.services).toHaveLength(1);
    const service = model.services[0]!;
    expect(service).toMatchObject({ name: 'catalog', kind: 'rest', approval: 'manual', visibility: 'tenant', lifecycle: 'published' });
    expect(service.rateLimit).toBeUndefined();
    expect(service.upstream?.targets.map((t) => t.url)).toEqual(['https://ok']);
    expect(service.upstream?.targets[0]!.origin.pointer).toBe('/services/2/upstream/targets/1');
    expect(service.upstream?.tls?.verify).toBeUndefined();
    expect(service.routes).toHaveLength(1);
    expect(service.routes[0]).toMatchObject({ name: 'r', paths: ['/a'], methods: [], protocols: ['http'] });
    expect(service.routes[0]!.auth).toBeUndefined();
    expect(model.consumers[0]!.credentials).toEqual([{ type: 'key', key: '', origin: { file: '/virtual/gateway.yaml', pointer: '/consumers/0/credentials/1' } }]);
    expect(model.consumers[0]!.subscriptions.map((s) => s.status)).toEqual(['pending']);
  });

  it('reads an unquoted TLS version the way it was meant', () => {
    expect(modelOf('format: gwctl/v1\ngateway: { tls: { minVersion: 1.2 } }\n').gateway?.tls?.minVersion).toBe('1.2');
    expect(modelOf('format: gwctl/v1\ngateway: { tls: { minVersion: 1.0 } }\n').gateway?.tls?.minVersion).toBe('1.0');
  });
});
