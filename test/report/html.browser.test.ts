/**
 * Renders the HTML report in real headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): no console or page errors, no network requests, the key parts present, and a
 * full-page screenshot in test-results/report.png for a human to look at.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { format } from '../../src/report/html.js';
import { fixtureCoverage, fixtureFindings, makeContext } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';

const OUT_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

// Like the live Caddy tests, this one needs its real program: it fails, never skips, without it.
describe('html report in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the fixture without errors and with the expected parts', async () => {
    const findings = fixtureFindings();
    const coverage = fixtureCoverage();
    const context = makeContext(findings, {
      coverage,
      staleBaseline: [{ rule: 'route-unique', file: 'gateway/legacy.yaml', pointer: '/services/3/routes/0', fingerprint: 'a1b2c3' }],
    });
    const html = format(findings, context);
    mkdirSync(OUT_DIR, { recursive: true });
    const file = join(OUT_DIR, 'report.html');
    writeFileSync(file, html);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`); });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (req) => { if (!req.url().startsWith('file:')) requests.push(req.url()); });
    await page.goto('file://' + file, { waitUntil: 'load' });

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    // summary cards show the context's summary
    const cardCount = (kind: string) => page.locator(`.card[data-kind~="${kind}"] .count`).innerText();
    expect(Number(await cardCount('sev-error'))).toBe(context.summary.errors);
    expect(Number(await cardCount('sev-warn'))).toBe(context.summary.warnings);
    expect(Number(await cardCount('sev-info'))).toBe(context.summary.infos);
    expect(Number(await cardCount('sev-hint'))).toBe(context.summary.hints);
    expect(Number(await cardCount('baselined'))).toBe(findings.filter((f) => f.baselined).length);

    // three charts, each an SVG with shapes in it
    for (const chart of ['severity', 'owner', 'rule']) {
      const svg = page.locator(`[data-chart="${chart}"] svg`);
      await expect.poll(() => svg.count()).toBe(1);
      expect(await svg.locator('rect, circle').count()).toBeGreaterThan(0);
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(50);
    }
    // one bar label per rule with findings (fewer than the cap here)
    const rules = new Set(findings.map((f) => f.rule));
    expect(await page.locator('[data-chart="rule"] text.label').count()).toBe(rules.size);
    // owners are derived from the coverage rows: tenants/services, not file names
    const owners = await page.locator('[data-chart="owner"] text.label').allTextContents();
    expect(owners.join('\n')).toContain('payments / payments-api');
    expect(owners.join('\n')).toContain('retail / assistant');

    // coverage matrix: one row per coverage row, highlighted kinds
    expect(await page.locator('table.coverage tr.cov-row').count()).toBe(coverage.length);
    expect(await page.locator('tr.row-shadow-route').count()).toBe(coverage.filter((r) => r.kind === 'shadow-route').length);
    expect(await page.locator('tr.row-uncovered-operation').count()).toBe(coverage.filter((r) => r.kind === 'uncovered-operation').length);
    const shadowBg = await page.locator('tr.row-shadow-route td').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(shadowBg).not.toBe('rgba(0, 0, 0, 0)');

    // findings grouped by file, with excerpts whose highlighted line is the finding's line
    expect(await page.locator('article.finding').count()).toBe(findings.length);
    expect(await page.locator('details.file').count()).toBe(new Set(findings.map((f) => f.file)).size);
    const first = page.locator('details.file[data-file="gateway/payments.yaml"] article.finding').first();
    expect(await first.locator('.ln-row.hit .ln').first().innerText()).toMatch(/^\s*5$/); // gateway.tls.minVersion
    expect(await first.locator('mark').innerText()).toBe('minVersion: "1.1"');

    // the stale baseline entry is listed
    expect(await page.locator('#stale').innerText()).toContain('gateway/legacy.yaml');

    const shot = join(OUT_DIR, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await page.close();
  }, 60_000);

  it('renders the no-findings state', async () => {
    const html = format([], makeContext([], { coverage: fixtureCoverage() }));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.setContent(html, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(await page.locator('.status.pass').innerText()).toContain('No problems found');
    expect(await page.locator('article.finding').count()).toBe(0);
    expect(await page.locator('table.coverage tr.cov-row').count()).toBe(fixtureCoverage().length);
    await page.close();
  }, 60_000);
});
