import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileUri, format } from '../../src/report/sarif.js';
import { validateSarif } from '../support/sarif-multitool.js';
import { finding, fixtureFindings, fixtureRules, makeContext, PROJECT_DIR } from './fixture.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string; uriBaseId: string; index: number }; region: Record<string, number> };
    logicalLocations?: Array<{ fullyQualifiedName: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  baselineState?: string;
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: Array<Record<string, any>> } };
    originalUriBaseIds: Record<string, { uri: string }>;
    artifacts: Array<{ location: { uri: string } }>;
    results: SarifResult[];
  }>;
}

const parse = (text: string) => JSON.parse(text) as SarifLog;

describe('sarif formatter', () => {
  const findings = fixtureFindings();

  it('maps every finding to a result with rule, level, location and fingerprint', () => {
    const log = parse(format(findings, makeContext(findings)));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(findings.length);
    expect(run.tool.driver).toMatchObject({ name: 'gwctl', version: '0.1.0' });
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(fixtureRules().map((r) => r.id));

    findings.forEach((f, i) => {
      const r = run.results[i]!;
      expect(r.ruleId).toBe(f.rule);
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(f.rule);
      expect(r.level).toBe({ error: 'error', warn: 'warning', info: 'note', hint: 'note' }[f.severity]);
      expect(r.message.text).toBe(f.message);
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(run.artifacts[loc.artifactLocation.index]!.location.uri).toBe(loc.artifactLocation.uri);
      expect(loc.region).toEqual({ startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
      expect(r.partialFingerprints).toEqual({ 'gwctl/v1': f.fingerprint });
      expect(r.baselineState).toBeUndefined(); // no baseline was active
    });
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(pathToFileURL(PROJECT_DIR).href.replace(/\/?$/, '/'));
  });

  it('describes rules with help text, help URI and default level', () => {
    const log = parse(format(findings, makeContext(findings)));
    const rule = log.runs[0]!.tool.driver.rules.find((r) => r.id === 'oas-rate-limit-declared')!;
    expect(rule.name).toBe('OasRateLimitDeclared');
    expect(rule.shortDescription.text).toBe('Operations document a 429 response.');
    expect(rule.fullDescription.text).toContain('429');
    expect(rule.help.markdown).toContain('**How to fix:**');
    expect(rule.helpUri).toBe('https://example.com/gwctl/docs/rules/oas-rate-limit-declared');
    expect(rule.defaultConfiguration.level).toBe('warning');
  });

  it('sets baselineState only when a baseline or --since was active', () => {
    const list = [finding({ fingerprint: 'a' }), finding({ fingerprint: 'b', baselined: true })];
    const log = parse(format(list, makeContext(list, { staleBaseline: [] })));
    expect(log.runs[0]!.results.map((r) => r.baselineState)).toEqual(['new', 'unchanged']);
  });

  it('adds a descriptor for a rule the context does not list, keeping ruleIndex consistent', () => {
    const list = [finding({ rule: 'custom-rule', severity: 'warn' })];
    const log = parse(format(list, makeContext(list)));
    const run = log.runs[0]!;
    expect(run.tool.driver.rules[run.results[0]!.ruleIndex]).toMatchObject({ id: 'custom-rule', defaultConfiguration: { level: 'warning' } });
  });

  it('percent-encodes file URIs but keeps slashes', () => {
    expect(fileUri('specs/my api#1.yaml')).toBe('specs/my%20api%231.yaml');
    expect(fileUri('a\\b.yaml')).toBe('a/b.yaml');
  });
});

describe('sarif output validates with the SARIF multitool', () => {
  it('reports zero errors (and no warnings) for the realistic fixture, with a baseline active', () => {
    const findings = fixtureFindings();
    const { errors, all } = validateSarif(format(findings, makeContext(findings, { staleBaseline: [] })));
    expect(errors).toEqual([]);
    expect(all).toEqual([]);
  }, 180_000);

  it('catches an invalid log (the check can fail)', () => {
    const findings = fixtureFindings();
    const log = JSON.parse(format(findings, makeContext(findings)));
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0; // schema: minimum 1
    log.runs[0].results[0].ruleIndex = 999; // no such rule
    const { errors } = validateSarif(JSON.stringify(log));
    expect(errors.length).toBeGreaterThan(0);
  }, 180_000);
});
