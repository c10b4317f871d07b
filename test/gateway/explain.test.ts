import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainCommand, explainRows, formatTable } from '../../src/explain/index.js';
import type { CoverageRow } from '../../src/model/report.js';
import { modelFrom, project } from './helpers.js';

const SPEC = `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers: [{ url: https://api.example.com/shop }]
paths:
  /items:
    get:
      responses: { '200': { description: OK } }
  /items/{id}:
    get:
      responses: { '200': { description: OK } }
    delete:
      responses: { '204': { description: Gone } }
`;

const CONFIG = `format: gwctl/v1
gateway:
  defaults:
    auth: { type: key }
    rateLimit: { requests: 100, per: second, key: consumer }
tenants:
  - name: shop
  - name: zoo
services:
  - name: zoo-api
    tenant: zoo
    upstream: { targets: [{ url: "https://user:pw@zoo.internal:8443/base?token=t" }] }
    routes:
      - name: animals
        paths: [/animals]
  - name: shop-api
    tenant: shop
    spec: ./spec.yaml
    upstream: { targets: [{ url: https://shop.internal }] }
    routes:
      - name: items
        paths: [/shop/items, "/shop/items/{itemId}"]
        methods: [GET]
        rateLimit: { requests: 5, per: second, key: consumer }
      - name: legacy
        paths: [/shop/legacy]
        auth: { type: jwt }
consumers:
  - name: web
    tenant: shop
    subscriptions:
      - { service: shop-api, status: approved, approvedBy: a }
  - name: waiting
    tenant: shop
    subscriptions:
      - { service: shop-api, status: pending }
`;

describe('explainRows', () => {
  async function rows(): Promise<CoverageRow[]> {
    const dir = project({ 'gateway.yaml': CONFIG, 'spec.yaml': SPEC });
    const { model } = await modelFrom(dir, ['gateway.yaml']);
    return explainRows(model, { cwd: dir });
  }

  it('has a row per route, per routed operation, per shadow route and per uncovered operation, grouped by tenant', async () => {
    const all = await rows();
    expect(all.map((r) => `${r.tenant}/${r.service} ${r.kind} ${r.route ?? '-'} ${r.operation ?? r.paths.join(',')}`)).toEqual([
      'shop/shop-api route items /shop/items,/shop/items/{itemId}',
      'shop/shop-api operation items GET /shop/items',
      'shop/shop-api operation items GET /shop/items/{id}',
      'shop/shop-api route legacy /shop/legacy',
      'shop/shop-api shadow-route legacy /shop/legacy',
      'shop/shop-api uncovered-operation - DELETE /shop/items/{id}',
      'zoo/zoo-api route animals /animals',
    ]);
  });

  it('carries the effective policy and where each row comes from', async () => {
    const all = await rows();
    const items = all[0]!;
    expect(items).toMatchObject({ auth: 'key [default]', rateLimit: '5/second per consumer', tls: 'https', upstream: 'https://shop.internal', callers: ['web'], file: 'gateway.yaml', line: 21 });
    expect(all[1]).toMatchObject({ kind: 'operation', methods: ['GET'], paths: ['/shop/items'], auth: 'key [default]', file: 'spec.yaml', line: 6 });
    expect(all[3]).toMatchObject({ auth: 'jwt', rateLimit: '100/second per consumer [default]' });
    expect(all[4]).toMatchObject({ kind: 'shadow-route', methods: [], file: 'gateway.yaml', line: 26 });
    expect(all[5]).toMatchObject({ kind: 'uncovered-operation', callers: [], file: 'spec.yaml', line: 11 });
    // userinfo and query of upstream URLs may hold credentials: never shown
    expect(all[6]!.upstream).toBe('https://zoo.internal:8443/base');
  });

  it('formats an aligned table with every kind of row visible', async () => {
    const text = formatTable(await rows());
    expect(text).toContain('tenant shop / service shop-api');
    expect(text).toContain('!! uncovered');
    expect(text).toMatch(/!! shadow\s+legacy\s+\* \/shop\/legacy/);
    expect(text).toContain('DELETE /shop/items/{id}');
    expect(text).toContain('gateway.yaml:21');
    expect(text).not.toContain('pw@');
    const header = text.split('\n').filter((l) => l.includes('ROUTE'));
    expect(new Set(header).size).toBe(1); // same columns in every block
  });
});

describe('explainCommand', () => {
  it('returns JSON rows for the configs among the paths', async () => {
    const dir = project({ 'gateway.yaml': CONFIG, 'spec.yaml': SPEC });
    const out = JSON.parse(await explainCommand([dir], dir, 'json')) as { rows: CoverageRow[] };
    expect(out.rows).toHaveLength(7);
    expect(out.rows.filter((r) => r.kind === 'uncovered-operation')).toHaveLength(1);
    expect(out.rows[0]!.file).toBe('gateway.yaml');
  });

  it('returns the table by default format and refuses a folder without configs', async () => {
    const dir = project({ 'gateway.yaml': CONFIG, 'spec.yaml': SPEC });
    expect(await explainCommand(['gateway.yaml'], dir, 'table')).toContain('route(s)');
    const empty = project({ 'spec.yaml': SPEC });
    await expect(explainCommand([path.join(empty, 'spec.yaml')], empty, 'table')).rejects.toThrow(/no gateway config/);
  });
});
