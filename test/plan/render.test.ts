import { describe, expect, it } from 'vitest';
import { PLAN_FORMAT, type Plan } from '../../src/model/plan.js';
import { renderPlan } from '../../src/plan/render.js';

const plan = (changes: Plan['changes']): Plan => ({
  format: PLAN_FORMAT,
  tool: { name: 'gwctl', version: '0.1.0' },
  createdAt: '2026-12-01T00:00:00.000Z',
  target: { driver: 'caddy', url: 'http://127.0.0.1:2019', options: { server: 'gwctl', tls: 'off' } },
  inputs: { args: ['gw.yaml'], files: [], hash: 'a'.repeat(64) },
  lint: { errors: 0, warnings: 1, infos: 0, hints: 0 },
  live: { fingerprint: 'b'.repeat(64) },
  allowUnenforced: ['rate-limit'],
  unenforced: [{ policy: 'rate-limit', service: 'items', route: 'list', reason: 'stock Caddy has no rate limiting' }],
  notes: [],
  changes,
  summary: { create: changes.filter((c) => c.action === 'create').length, update: changes.filter((c) => c.action === 'update').length, delete: changes.filter((c) => c.action === 'delete').length },
});

describe('renderPlan', () => {
  it('prints one block per object, field changes for updates, and a summary', () => {
    const text = renderPlan(plan([
      { action: 'create', kind: 'route', key: 'gwctl-gwctl.items.new', label: 'items/new', fields: [], summary: ['match: path /new · any method'] } as Plan['changes'][number],
      { action: 'update', kind: 'route', key: 'gwctl-gwctl.items.list', fields: [{ path: 'handle.0.routes.0.match.0.header.X-API-Key.0', before: '(secret)', after: '(secret)' }, { path: 'terminal', after: true }] },
      { action: 'delete', kind: 'route', key: 'gwctl-gwctl.items.old', fields: [] },
    ]));
    expect(text).toBe(`Plan for caddy at http://127.0.0.1:2019: server gwctl, tls off
lint: 0 errors, 1 warnings · inputs aaaaaaaaaaaa · live bbbbbbbbbbbb
warning: rate-limit is NOT enforced (stock Caddy has no rate limiting) for items/list; accepted with --allow-unenforced rate-limit.

  + create route gwctl-gwctl.items.new (items/new)
      match: path /new · any method
  ~ update route gwctl-gwctl.items.list
      handle.0.routes.0.match.0.header.X-API-Key.0: (secret) → (secret)
      terminal: (none) → true
  - delete route gwctl-gwctl.items.old

Plan: 1 to create, 1 to update, 1 to delete.
`);
  });

  it('says so when nothing changes, in plan and drift wording', () => {
    expect(renderPlan(plan([]))).toMatch(/No changes: the live gateway matches the config\.\n$/);
    const drift = renderPlan(plan([]), { mode: 'drift' });
    expect(drift).toMatch(/^Drift for caddy/);
    expect(drift).toMatch(/No drift/);
    expect(drift).not.toMatch(/accepted with/);
  });
});
