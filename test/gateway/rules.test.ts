import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/engine.js';
import { loadRuleset } from '../../src/lint/ruleset.js';
import { configSchema, gwctlV1Validator } from '../../src/rules/gateway/config-schema.js';
import { GATEWAY_RULES } from '../../src/rules/gateway/index.js';
import { project } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

async function lintDir(dir: string, ruleset = 'gwctl:all', inputs: string[] = ['.']) {
  return (await lint({ inputs, cwd: dir, root: dir, ruleset: loadRuleset(ruleset, dir) })).findings;
}

describe('config-schema', () => {
  const messages = (data: unknown) => configSchema.then(data, undefined, {}).map((r) => `${(r.path ?? []).join('/')}: ${r.message}`);

  it('compiles the schema once', () => {
    expect(gwctlV1Validator()).toBe(gwctlV1Validator());
  });

  it('accepts a minimal config and x- keys anywhere', () => {
    expect(messages({ format: 'gwctl/v1' })).toEqual([]);
    expect(messages({ format: 'gwctl/v1', 'x-a': 1, tenants: [{ name: 't', 'x-b': {} }], services: [{ name: 's', upstream: { targets: [{ url: 'https://x', 'x-c': 1 }] }, 'x-d': [] }] })).toEqual([]);
  });

  it('names unknown keys at the key, missing keys at the object, one finding per place', () => {
    expect(messages({ format: 'gwctl/v1', tenant: [], services: [{ routes: [{ pathz: [] }], upstream: { targets: [{ url: 'https://x' }] } }] })).toEqual([
      "tenant: The config has an unknown key `tenant`; remove it, fix its spelling or nesting, or prefix it with x- to keep it as an annotation.",
      "services/0: `services[0]` must have `name`.",
      "services/0/routes/0: `services[0].routes[0]` must have `name` and `paths`.",
      "services/0/routes/0/pathz: `services[0].routes[0]` has an unknown key `pathz`; remove it, fix its spelling or nesting, or prefix it with x- to keep it as an annotation.",
    ]);
  });

  it('explains conditional requirements and wrong types', () => {
    expect(messages({ format: 'gwctl/v1', services: [{ name: 'a', kind: 'ai' }, { name: 'b', routes: 'x', upstream: { targets: [{ url: 'https://x' }] } }], gateway: { defaults: { auth: { type: 'forward' } } } })).toEqual([
      'gateway/defaults/auth: `gateway.defaults.auth` must have `url` (forward auth needs the URL of the verifying endpoint).',
      'services/0: `services[0]` must have `ai` (a kind: ai service needs its provider settings).',
      'services/1/routes: `services[1].routes` must be a list, got a string.',
    ]);
  });

  it('never quotes a value of a secret-named field', () => {
    const out = messages({ format: 'gwctl/v1', consumers: [{ name: 'c', credentials: [{ type: 'basic', username: 'u', password: 987654 }] }] });
    expect(out).toEqual(['consumers/0/credentials/0/password: `consumers[0].credentials[0].password` must be a string, got a whole number.']);
  });
});

describe('no message ever contains a secret value', () => {
  const SECRETS = ['hunter2-password', '987654321', 'sk-live-abcdef', 'jwt-signing-secret', 'upstream-pw', 'tok-admin-1234', 'query-token-5678'];
  const config = `format: gwctl/v1
gateway:
  defaults:
    auth: { type: forward, url: "http://admin:upstream-pw@authz.internal/verify" }
tenants: [{ name: shop }]
services:
  - name: catalog
    tenant: shop
    upstream:
      targets: [{ url: "http://svc:upstream-pw@catalog.internal/?token=query-token-5678" }]
    routes: [{ name: r, paths: [/r] }]
  - name: assistant
    tenant: shop
    kind: ai
    ai: { provider: openai, apiKey: sk-live-abcdef, token: tok-admin-1234 }
consumers:
  - name: web
    tenant: shop
    credentials:
      - { type: key, key: 987654321 }
      - { type: basic, username: web, password: hunter2-password }
      - { type: jwt, secret: jwt-signing-secret, password: 5 }
    subscriptions: [{ service: catalog, status: approved }]
`;

  it('holds for every gateway rule', async () => {
    const dir = project({ 'gateway.yaml': config });
    const findings = await lintDir(dir);
    const rules = new Set(findings.map((f) => f.rule));
    for (const id of ['config-schema', 'secrets-not-inline', 'upstream-https', 'route-rate-limit-declared']) expect(rules).toContain(id);
    expect(findings.filter((f) => f.rule === 'secrets-not-inline').map((f) => f.pointer)).toEqual([
      '/services/1/ai/apiKey', '/services/1/ai/token', '/consumers/0/credentials/0/key', '/consumers/0/credentials/1/password',
      '/consumers/0/credentials/2/secret', '/consumers/0/credentials/2/password',
    ]);
    for (const finding of findings) {
      for (const secret of SECRETS) expect(finding.message, `${finding.rule}: ${finding.message}`).not.toContain(secret);
    }
  });
});

describe('every gateway rule', () => {
  it('is a project rule on gateway models (gwctl/v1 and decK), except config-schema (gwctl/v1 documents)', () => {
    for (const rule of GATEWAY_RULES) {
      expect(rule.formats).toEqual(rule.id === 'config-schema' ? ['gwctl-v1'] : ['gwctl-v1', 'deck']);
      expect(rule.scope).toBe(rule.id === 'config-schema' ? 'document' : 'project');
    }
    expect(GATEWAY_RULES).toHaveLength(19);
  });

  it('writes messages as sentences', async () => {
    const findings = await lintDir(path.join(ROOT, 'examples'), 'gwctl:all', ['gateway']);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.message).toMatch(/^[A-Z`].*[.]$/s);
  });
});

describe('examples', () => {
  it('edge.yaml shows each deliberate violation', async () => {
    const findings = await lintDir(path.join(ROOT, 'examples'), 'gwctl:recommended', ['gateway']);
    const config = findings.filter((f) => f.file === 'gateway/edge.yaml').map((f) => f.rule);
    for (const rule of ['route-matches-spec', 'route-auth-required', 'auth-matches-spec', 'upstream-https', 'secrets-not-inline', 'tenant-isolation', 'subscription-pending']) {
      expect(config).toContain(rule);
    }
    expect(findings.filter((f) => f.rule === 'operation-routed').map((f) => `${f.file}#${f.pointer}`)).toEqual(['specs/payments.yaml#/paths/~1v1~1payments~1{id}/delete']);
  });

  it('the whole examples folder lints as one gateway (no name is defined twice)', async () => {
    const findings = await lintDir(path.join(ROOT, 'examples'), 'gwctl:recommended');
    expect(findings.some((f) => f.file === 'gateway/edge.yaml')).toBe(true);
    expect(findings.filter((f) => f.file.startsWith('clean/'))).toEqual([]);
  });

  it('examples/clean has no finding at error or warn, even under gwctl:strict', async () => {
    const findings = await lintDir(path.join(ROOT, 'examples', 'clean'), 'gwctl:strict');
    expect(findings.filter((f) => f.severity === 'error' || f.severity === 'warn').map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`)).toEqual([]);
  });
});
