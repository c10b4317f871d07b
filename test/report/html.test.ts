/** Structural checks of the HTML report that need no browser (see html.browser.test.ts for rendering). */
import { describe, expect, it } from 'vitest';
import { format } from '../../src/report/html.js';
import { excerpt } from '../../src/report/html/excerpt.js';
import { blockEnd, ownerResolver } from '../../src/report/html/owners.js';
import { authTone, tlsTone } from '../../src/report/html/coverage.js';
import type { CoverageRow } from '../../src/model/report.js';
import { finding, fixtureCoverage, fixtureFindings, makeContext } from './fixture.js';

describe('html report', () => {
  const findings = fixtureFindings();
  const html = format(findings, makeContext(findings, { coverage: fixtureCoverage() }));

  it('is one standalone document that loads nothing', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    // nothing is fetched: no src attributes; links are in-page anchors or the rules' help pages
    expect(html).not.toMatch(/\ssrc=/i);
    const hrefs = [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^(#[a-z]+|https:\/\/example\.com\/gwctl\/docs\/rules\/[a-z-]+)$/);
  });

  it('escapes everything that comes from findings and files', () => {
    const evil = finding({ message: '<img src=x onerror=alert(1)>', rule: '"><script>x</script>', file: 'a<b>.yaml', pointer: '/"x"' });
    const ctx = makeContext([evil], { source: () => 'line1\n<script>alert(1)</script>\nline3' });
    const out = format([evil], { ...ctx, rules: [] });
    expect(out).not.toContain('<img src=x');
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('a&lt;b&gt;.yaml');
  });

  it('links help only over http(s)', () => {
    const f = finding();
    const rules = [{ id: f.rule, description: 'd', docs: { what: 'w', why: 'y', howToFix: 'h' }, severity: 'error' as const, helpUri: 'javascript:alert(1)' }];
    expect(format([f], makeContext([f], { rules }))).not.toContain('javascript:');
  });

  it('links only to sections that exist', () => {
    const empty = format([], makeContext([]));
    for (const [, id] of empty.matchAll(/href="#([a-z]+)"/g)) expect(empty, id).toContain(`id="${id}"`);
    for (const [, id] of html.matchAll(/href="#([a-z]+)"/g)) expect(html, id).toContain(`id="${id}"`);
  });

  it('leaves out the coverage section without coverage', () => {
    expect(format(findings, makeContext(findings))).not.toContain('id="coverage"');
    expect(html).toContain('id="coverage"');
  });
});

describe('code excerpts', () => {
  const source = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o'].join('\n');
  const rows = (out: string) => [...out.matchAll(/<div class="ln-row( hit)?( elided)?"><span class="ln">\s*(\S+)<\/span>/g)].map((m) => `${m[3]}${m[1] ? '*' : ''}`);

  it('shows two lines either side and highlights the range', () => {
    expect(rows(excerpt(finding({ line: 5, endLine: 6, column: 1, endColumn: 2 }), source))).toEqual(['3', '4', '5*', '6*', '7', '8']);
    expect(rows(excerpt(finding({ line: 1, endLine: 1, column: 1, endColumn: 2 }), source))).toEqual(['1*', '2', '3']);
    expect(rows(excerpt(finding({ line: 15, endLine: 15, column: 1, endColumn: 2 }), source))).toEqual(['13', '14', '15*']);
  });

  it('marks the columns of a one-line finding', () => {
    expect(excerpt(finding({ line: 2, endLine: 2, column: 3, endColumn: 7 }), 'x\nab<cd>ef\ny')).toContain('ab<mark>&lt;cd&gt;</mark>ef');
  });

  it('elides the middle of a long range', () => {
    const out = excerpt(finding({ line: 2, endLine: 13, column: 1, endColumn: 2 }), source);
    expect(rows(out)).toEqual(['1', '2*', '3*', '4*', '5*', '6*', '7*', '⋮', '14', '15']);
    expect(out).toContain('6 more lines in this range');
  });

  it('is empty without source', () => {
    expect(excerpt(finding(), undefined)).toBe('');
  });
});

describe('tenant / service attribution', () => {
  const findings = fixtureFindings();
  const ctx = makeContext(findings);
  const owner = ownerResolver(fixtureCoverage(), ctx.source);
  const at = (file: string, pointer: string) => owner(findings.find((f) => f.file === file && f.pointer === pointer)!);

  it('credits a route block to its service', () => {
    expect(at('gateway/payments.yaml', '/services/0/routes/0/auth')).toBe('payments / payments-api');
    expect(at('gateway/assistant.yaml', '/services/0/routes/1')).toBe('retail / assistant');
  });

  it("credits a service's own fields to it, not to the previous service's last route", () => {
    expect(at('gateway/payments.yaml', '/services/1/approval')).toBe('payments / refunds-api');
    expect(at('gateway/payments.yaml', '/services/0/upstream/tls/verify')).toBe('payments / payments-api');
  });

  it('credits a spec file to its one service, and leaves gateway-wide settings to the file', () => {
    expect(at('specs/payments.yaml', '/servers/0/url')).toBe('payments / payments-api');
    expect(at('gateway/payments.yaml', '/gateway/tls/minVersion')).toBe('gateway/payments.yaml');
    expect(at('gateway/payments.yaml', '/consumers/0/credentials/0/key')).toBe('gateway/payments.yaml');
  });

  it('falls back to the file without coverage', () => {
    expect(ownerResolver(undefined, ctx.source)(findings[0]!)).toBe(findings[0]!.file);
  });

  it('finds block ends by indentation, JSON closing brackets included', () => {
    expect(blockEnd(['a:', '  b: 1', '', '  c: 2', 'd: 3'], 1)).toBe(4);
    expect(blockEnd(['  {', '    "a": 1', '  },', '  {'], 1)).toBe(3);
  });
});

describe('coverage colouring', () => {
  const row = (over: Partial<CoverageRow>): CoverageRow => ({ kind: 'route', service: 's', methods: [], paths: [], hosts: [], auth: 'jwt', tls: 'https', callers: [], file: 'f', ...over });
  it('flags missing auth, softening deliberate public routes', () => {
    expect(authTone(row({ auth: 'none' }))).toBe('bad');
    expect(authTone(row({ auth: 'none', callers: ['*'] }))).toBe('bad');
    expect(authTone(row({ auth: 'none [public]', callers: ['*'] }))).toBe('warn');
    expect(authTone(row({ auth: 'key (X-API-Key)' }))).toBe('good');
  });
  it('flags plain protocols, old TLS and unverified upstreams', () => {
    expect(tlsTone(row({ tls: 'https, TLS ≥ 1.2' }))).toBe('good');
    expect(tlsTone(row({ tls: 'http+https' }))).toBe('bad');
    expect(tlsTone(row({ tls: 'https, TLS ≥ 1.1' }))).toBe('bad');
    expect(tlsTone(row({ tls: 'https, upstream unverified' }))).toBe('bad');
    expect(tlsTone(row({ tls: 'wss' }))).toBe('good');
  });
});
