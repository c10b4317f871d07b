/**
 * SARIF 2.1.0 for GitHub code scanning, Azure DevOps and other SARIF viewers. Validated in the
 * tests with Microsoft's SARIF multitool (`sarif-multitool validate`).
 */
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../model/finding.js';
import type { Formatter, ReportContext, RuleMeta } from '../model/report.js';

/**
 * Where users learn about the tool (SARIF `tool.driver.informationUri`). The npm package page,
 * until the project has a canonical home page.
 */
export const INFORMATION_URI = 'https://www.npmjs.com/package/gwctl';

const SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warn: 'warning', info: 'note', hint: 'note' };

/** `route-auth-required` → `RouteAuthRequired`: SARIF wants a PascalCase friendly name per rule. */
function friendlyName(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function ruleDescriptor(rule: RuleMeta) {
  const { what, why, howToFix } = rule.docs;
  return {
    id: rule.id,
    name: friendlyName(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: what },
    help: {
      text: `${what}\n\nWhy: ${why}\n\nHow to fix: ${howToFix}`,
      markdown: `${what}\n\n**Why it matters:** ${why}\n\n**How to fix:** ${howToFix}`,
    },
    helpUri: rule.helpUri,
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

/** A finding whose rule the context does not describe still gets a (minimal) descriptor. */
function bareDescriptor(id: string, severity: Severity) {
  return {
    id,
    name: friendlyName(id),
    shortDescription: { text: id },
    defaultConfiguration: { level: LEVEL[severity] },
  };
}

/** Relative path → relative URI reference: each segment percent-encoded, `/` kept. */
export function fileUri(file: string): string {
  return file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

function srcRootUri(cwd: string): string {
  const href = pathToFileURL(cwd).href;
  return href.endsWith('/') ? href : href + '/';
}

/** SARIF requires end ≥ start; a degenerate range from a parser is clamped rather than rejected. */
function region(f: Finding) {
  const startLine = Math.max(1, f.line);
  const startColumn = Math.max(1, f.column);
  const endLine = Math.max(startLine, f.endLine);
  const endColumn = endLine === startLine ? Math.max(startColumn, f.endColumn) : Math.max(1, f.endColumn);
  return { startLine, startColumn, endLine, endColumn };
}

function mimeType(file: string): string | undefined {
  if (/\.ya?ml$/i.test(file)) return 'application/yaml';
  if (/\.json$/i.test(file)) return 'application/json';
  return undefined;
}

function artifact(file: string) {
  const mime = mimeType(file);
  return {
    location: { uri: fileUri(file), uriBaseId: SRCROOT },
    roles: ['analysisTarget'],
    ...(mime ? { mimeType: mime } : {}),
  };
}

export const format: Formatter = (findings, context) => JSON.stringify(sarifLog(findings, context), null, 2) + '\n';

export function sarifLog(findings: readonly Finding[], context: ReportContext) {
  const rules: ReturnType<typeof ruleDescriptor | typeof bareDescriptor>[] = context.rules.map(ruleDescriptor);
  const ruleIndex = new Map(context.rules.map((r, i) => [r.id, i]));
  for (const f of findings) {
    if (!ruleIndex.has(f.rule)) {
      ruleIndex.set(f.rule, rules.length);
      rules.push(bareDescriptor(f.rule, f.severity));
    }
  }

  const artifactIndex = new Map<string, number>();
  for (const f of findings) if (!artifactIndex.has(f.file)) artifactIndex.set(f.file, artifactIndex.size);

  // staleBaseline is set (possibly to []) exactly when --baseline or --since was active.
  const baselineActive = context.staleBaseline !== undefined;

  const results = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule)!,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(f.file), uriBaseId: SRCROOT, index: artifactIndex.get(f.file)! },
          region: region(f),
        },
        ...(f.pointer ? { logicalLocations: [{ fullyQualifiedName: f.pointer, kind: 'object' }] } : {}),
      },
    ],
    partialFingerprints: { 'gwctl/v1': f.fingerprint },
    ...(baselineActive ? { baselineState: f.baselined ? 'unchanged' : 'new' } : {}),
  }));

  return {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: context.tool.name,
            version: context.tool.version,
            semanticVersion: context.tool.version,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: srcRootUri(context.cwd) } },
        artifacts: [...artifactIndex.keys()].map(artifact),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
