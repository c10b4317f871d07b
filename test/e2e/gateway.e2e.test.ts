/** Gateway configs end to end: lint links configs and specs from a folder; explain; rulesets on configs. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, gwctl, json } from './run.js';

describe('gwctl lint on a folder of specs and configs', () => {
  it('links each config to its specs without extra flags and reports at the right file and pointer', () => {
    const run = gwctl(['lint', 'examples/', '-f', 'json']);
    expect(run.code).toBe(1);
    expect(json(run).findings.map((f) => [f.rule, f.file, f.pointer, f.line])).toEqual([
      ['route-matches-spec', 'examples/gateway/edge.yaml', '/services/0/routes/2/paths/0', 41],
      ['upstream-https', 'examples/gateway/edge.yaml', '/services/1/upstream/targets/0/url', 59],
      ['auth-matches-spec', 'examples/gateway/edge.yaml', '/services/1/routes/0/auth', 65],
      ['route-auth-required', 'examples/gateway/edge.yaml', '/services/1/routes/0/auth', 65],
      ['secrets-not-inline', 'examples/gateway/edge.yaml', '/consumers/1/credentials/0/key', 88],
      ['tenant-isolation', 'examples/gateway/edge.yaml', '/consumers/1/subscriptions/1/service', 93],
      ['subscription-pending', 'examples/gateway/edge.yaml', '/consumers/2/subscriptions/0', 104],
      ['oas-tls-only', 'examples/specs/orders.yaml', '/servers/0/url', 8],
      ['oas-auth-required', 'examples/specs/orders.yaml', '/paths/~1orders/post', 19],
      ['oas-rate-limit-declared', 'examples/specs/orders.yaml', '/paths/~1orders/post/responses', 22],
      ['oas-security-scheme-defined', 'examples/specs/orders.yaml', '/paths/~1orders~1{id}/get/security/0/oauth', 31],
      ['oas-no-credentials-in-url', 'examples/specs/orders.yaml', '/components/securitySchemes/partnerKey/in', 37],
      ['operation-routed', 'examples/specs/payments.yaml', '/paths/~1v1~1payments~1{id}/delete', 50],
    ]);
    expect(run.stdout).not.toContain('sk_live_orders_web_0123456789');
  });

  it('exits 0 on the clean variant, even under gwctl:strict', () => {
    const run = gwctl(['lint', 'examples/clean']);
    expect(run.code).toBe(0);
    const strict = gwctl(['lint', 'examples/clean', '-r', 'fixtures/e2e/rulesets/strict.yaml', '-f', 'json']);
    expect(json(strict).summary.errors).toBe(0);
  });
});

describe('gwctl explain', () => {
  it('prints the effective-policy table with shadow routes and uncovered operations visible', () => {
    const table = gwctl(['explain', 'examples/gateway', 'examples/specs']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/shadow\s+refunds\s+POST \/payments\/v1\/refunds/);
    expect(table.stdout).toMatch(/uncovered\s+-\s+DELETE \/payments\/v1\/payments\/\{id\}/);
    const rows = JSON.parse(gwctl(['explain', 'examples/gateway', 'examples/specs', '--format', 'json']).stdout).rows as Array<Record<string, unknown>>;
    const listPayments = rows.find((r) => r.kind === 'route' && r.route === 'list-payments')!;
    expect(listPayments).toMatchObject({ tenant: 'payments', auth: 'key [default]', callers: ['acme-mobile'], file: 'examples/gateway/edge.yaml' });
    expect(rows.filter((r) => r.kind === 'shadow-route').map((r) => r.route)).toEqual(['refunds']);
    expect(rows.filter((r) => r.kind === 'uncovered-operation').map((r) => r.operation)).toEqual(['DELETE /payments/v1/payments/{id}']);
  });
});

describe('rulesets on gateway configs', () => {
  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwctl-gwrules-'));
    cpSync(path.join(ROOT, 'examples', 'gateway'), path.join(dir, 'gateway'), { recursive: true });
    cpSync(path.join(ROOT, 'examples', 'specs'), path.join(dir, 'specs'), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }

  it('.gwctl.yaml sets gateway rule severities and overrides them by file', () => {
    const dir = project({
      '.gwctl.yaml': 'rules:\n  upstream-https: error\n  subscription-pending: off\noverrides:\n  - files: ["gateway/edge.yaml"]\n    rules: { secrets-not-inline: warn }\nfiles: [gateway, specs]\n',
    });
    const found = json(gwctl(['lint', '-f', 'json'], { cwd: dir })).findings.map((f) => `${f.rule}:${f.severity}`);
    expect(found).toContain('upstream-https:error');
    expect(found).toContain('secrets-not-inline:warn');
    expect(found.some((f) => f.startsWith('subscription-pending'))).toBe(false);
  });

  it("a user's own Spectral rule targets gateway configs with the gwctl-v1 format", () => {
    const dir = project({
      'ruleset.yaml': [
        'extends: [gwctl:recommended]',
        'rules:',
        '  service-has-owner-contact:',
        '    description: every service names an x-owner-contact',
        '    message: "{{property}} is missing"',
        '    severity: warn',
        '    formats: [gwctl-v1]',
        '    given: $.services[*]',
        '    then: { field: x-owner-contact, function: truthy }',
        '',
      ].join('\n'),
    });
    const run = gwctl(['lint', 'gateway', 'specs', '-r', 'ruleset.yaml', '-f', 'json'], { cwd: dir });
    const custom = json(run).findings.filter((f) => f.rule === 'service-has-owner-contact');
    expect(custom.map((f) => [f.file, f.pointer, f.severity])).toEqual([
      ['gateway/edge.yaml', '/services/0', 'warn'],
      ['gateway/edge.yaml', '/services/1', 'warn'],
    ]);
  });
});
