import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding, Range, Severity } from '../model/finding.js';
import { compareFindings } from '../model/finding.js';
import type { Origin, SourceFile } from '../model/document.js';
import { GwctlError, LoadError } from '../model/errors.js';
import type { GatewayModel } from '../model/gateway.js';
import type { DocumentRule, ProjectRule, RuleResult } from '../model/rule.js';
import { expandInputs } from '../load/files.js';
import { isOpenApi } from '../load/detect.js';
import { Workspace, displayPath, type WorkspaceOptions } from '../load/workspace.js';
import { DEFAULT_PARSE_LIMITS } from '../load/parse.js';
import type { Deadline } from '../load/deadline.js';
import { workingTree, type FileSource } from '../load/file-source.js';
import { RULES } from '../rules/index.js';
import { activeRules, severityFor, type ResolvedRuleset } from './ruleset.js';
import { LintCache, cacheKey, type CachedResult } from './cache.js';
import { VERSION } from '../version.js';

export interface LintRequest {
  inputs: readonly string[];
  cwd: string;
  root: string;
  ruleset: ResolvedRuleset;
  allowRemoteRefs?: readonly string[];
  maxFileBytes?: number;
  maxAliases?: number;
  /** how deeply mappings and lists may nest (--max-depth) */
  maxDepth?: number;
  /** the run's time budget (--timeout), checked between files and rules */
  deadline?: Deadline;
  /** read contents from here instead of the working tree (--since: a git revision) */
  source?: FileSource;
  /**
   * 'spectral-core' runs gwctl's document rules through spectral-core instead of gwctl's own
   * runner: slower, and only there to prove both give the same findings.
   */
  engine?: 'gwctl' | 'spectral-core';
  /** called as documents are loaded and linted (the CLI draws progress on a terminal) */
  onProgress?: (done: number, total: number, phase: 'load' | 'lint') => void;
  /** run only these rules (the rule tester) */
  onlyRules?: readonly string[];
  /** reuse the results of unchanged OpenAPI documents from `.gwctl/cache` (the CLI's default) */
  cache?: boolean;
}

export interface LintResult {
  findings: Finding[];
  /** the documents that were linted (OpenAPI and gateway configs), not `$ref` fragments */
  documents: SourceFile[];
  /** OpenAPI documents whose findings came from the cache, unparsed (absolute paths) */
  cachedDocuments: string[];
  /** every file the inputs expanded to (absolute), documents or not */
  inputFiles: string[];
  workspace: Workspace;
  model?: GatewayModel;
  /** milliseconds per phase and per rule, for --verbose */
  timings: Map<string, number>;
}

/** A result before severities and positions: rule, where, and what. */
interface RawFinding {
  rule: string;
  message: string;
  origin: Origin;
  /** the severity a Spectral ruleset gives a rule gwctl's ruleset does not mention */
  defaultSeverity?: Severity;
  /** the OpenAPI document whose rules produced it (none for gateway-model rules) */
  document?: string;
  /** known when it came from the cache; set by toFindings otherwise */
  range?: Range;
}

export async function lint(request: LintRequest): Promise<LintResult> {
  const timings = new Map<string, number>();
  const time = async <T>(label: string, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    try { return await work(); } finally { timings.set(label, (timings.get(label) ?? 0) + performance.now() - start); }
  };

  const workspaceOptions: Partial<WorkspaceOptions> & { cwd: string; root: string } = {
    cwd: request.cwd, root: request.root, allowRemoteRefs: request.allowRemoteRefs ?? [],
  };
  if (request.maxFileBytes) workspaceOptions.maxFileBytes = request.maxFileBytes;
  workspaceOptions.parse = { ...DEFAULT_PARSE_LIMITS, ...(request.maxAliases ? { maxAliases: request.maxAliases } : {}), ...(request.maxDepth ? { maxDepth: request.maxDepth } : {}) };
  if (request.source) workspaceOptions.source = request.source;
  if (request.deadline) workspaceOptions.deadline = request.deadline;
  const workspace = new Workspace(workspaceOptions);

  // Never for another revision (--since): the cache describes the working tree.
  const cache = request.cache && !request.source ? LintCache.open(request.root, runKey(request), workingTree) : undefined;
  const raw: RawFinding[] = [];
  const cachedDocuments: string[] = [];
  const inputFiles: string[] = [];

  const documents = await time('load', async () => {
    const inputs = await expandInputs(request.inputs, request.cwd, request.root);
    inputFiles.push(...inputs.map((input) => input.path));
    const docs: SourceFile[] = [];
    for (const [index, input] of inputs.entries()) {
      request.onProgress?.(index, inputs.length, 'load');
      // At another revision a file may not exist yet: it then has no findings to compare with.
      if (request.source && !workspace.exists(input.path)) continue;
      const hit = cache?.lookup(input.path);
      if (hit) {
        cachedDocuments.push(input.path);
        for (const result of hit.results) {
          raw.push({ ...result, origin: { file: path.join(request.root, result.file), pointer: result.pointer }, document: input.path });
        }
        continue;
      }
      const source = await workspace.load(input.path);
      if (source.kind) docs.push(source);
      else if (input.explicit) throw unknownKind(workspace.display(input.path));
    }
    return docs;
  });

  const active = activeRules(request.ruleset);
  const wanted = (id: string) => active.has(id) && (!request.onlyRules || request.onlyRules.includes(id));

  if (request.engine === 'spectral-core') {
    const { runBuiltinsThroughSpectral } = await import('./spectral.js');
    const ids = RULES.filter((rule) => rule.scope === 'document' && wanted(rule.id)).map((rule) => rule.id);
    raw.push(...await time('spectral-core (built-in rules)', () => runBuiltinsThroughSpectral(documents, workspace, ids)));
  }
  for (const [index, doc] of (request.engine === 'spectral-core' ? [] : documents).entries()) {
    request.onProgress?.(index, documents.length, 'lint');
    for (const rule of RULES) {
      if (rule.scope !== 'document' || !wanted(rule.id) || !rule.formats.includes(doc.kind!)) continue;
      request.deadline?.check(`running rule ${rule.id} on ${workspace.display(doc.path)}`);
      const results = await time(`rule ${rule.id}`, () => runDocumentRule(rule, doc, workspace));
      for (const result of results) raw.push({ rule: rule.id, message: result.message, origin: result.at ?? workspace.originOf(doc, result.path ?? []), document: doc.path });
    }
  }

  let model: GatewayModel | undefined;
  const configs = documents.filter((doc) => doc.kind === 'gwctl-v1' || doc.kind === 'deck' || doc.kind === 'adc');
  if (configs.length > 0) {
    const { buildGatewayModel } = await import('../normalize/index.js');
    request.deadline?.check('building the gateway model');
    model = await time('model', () => buildGatewayModel(configs, workspace));
    for (const rule of RULES) {
      if (rule.scope !== 'project' || !wanted(rule.id)) continue;
      request.deadline?.check(`running rule ${rule.id} on the gateway config`);
      const results = await time(`rule ${rule.id}`, () => runProjectRule(rule, model!, workspace));
      for (const result of results) {
        if (!result.at) throw new GwctlError(`rule ${rule.id} returned a finding without a location; this is a gwctl bug.`);
        raw.push({ rule: rule.id, message: result.message, origin: result.at });
      }
    }
  }

  const spectralPart = request.ruleset.spectral;
  if (spectralPart.extends.length > 0 || Object.keys(spectralPart.rules).length > 0) {
    const { runSpectral } = await import('./spectral.js');
    const openapi = documents.filter((doc) => isOpenApi(doc.kind) || doc.kind === 'gwctl-v1');
    request.deadline?.check('running the Spectral rules');
    const results = await time('spectral-core', () => runSpectral(openapi, workspace, request.ruleset, request.onlyRules));
    raw.push(...results);
  }

  request.deadline?.check('locating findings');
  const findings = await time('positions', () => toFindings(raw, request, workspace));
  if (cache) await time('cache', () => storeInCache(cache, documents, raw, workspace));
  return { findings, documents, cachedDocuments, inputFiles, workspace, model, timings };
}

function runDocumentRule(rule: DocumentRule, doc: SourceFile, workspace: Workspace): RuleResult[] {
  try {
    return rule.then(doc.data, undefined, { deref: workspace.deref, kind: doc.kind, unresolvedRefs: () => workspace.unresolvedRefs(doc.path) });
  } catch (error) {
    throw new GwctlError(`rule ${rule.id} failed on ${workspace.display(doc.path)} (${(error as Error).message}); this is a gwctl bug: please report it with the file. Turn the rule off to lint the rest.`, { cause: error });
  }
}

function runProjectRule(rule: ProjectRule, model: GatewayModel, workspace: Workspace): RuleResult[] {
  try {
    return rule.then(model, undefined, { deref: workspace.deref });
  } catch (error) {
    throw new GwctlError(`rule ${rule.id} failed on the gateway config ${model.files.map((f) => workspace.display(f.path)).join(', ')} (${(error as Error).message}); this is a gwctl bug: please report it. Turn the rule off to lint the rest.`, { cause: error });
  }
}

/** Severities (with overrides), positions (one batch per file), fingerprints. */
function toFindings(raw: RawFinding[], request: LintRequest, workspace: Workspace): Finding[] {
  const byFile = new Map<string, RawFinding[]>();
  for (const item of raw) {
    const list = byFile.get(item.origin.file);
    if (list) list.push(item);
    else byFile.set(item.origin.file, [item]);
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const [file, items] of byFile) {
    const source = workspace.files.get(file);
    const unlocated = items.filter((item) => !item.range).map((item) => item.origin.pointer);
    const ranges = unlocated.length > 0 ? source?.locate([...new Set(unlocated)]) : undefined;
    const shown = displayPath(request.cwd, file);
    for (const item of items) {
      const severity = severityFor(request.ruleset, item.rule, file, item.defaultSeverity);
      if (severity === 'off') continue;
      const key = `${item.rule}\0${file}\0${item.origin.pointer}\0${item.message}`;
      if (seen.has(key)) continue; // the same node reached twice (a shared $ref target)
      seen.add(key);
      const range = item.range ?? ranges?.get(item.origin.pointer) ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
      item.range = range;
      findings.push({
        rule: item.rule,
        severity: severity as Severity,
        message: item.message,
        file: shown,
        pointer: item.origin.pointer,
        ...range,
        fingerprint: '',
        baselined: false,
      });
    }
  }
  findings.sort(compareFindings);
  assignFingerprints(findings);
  return findings;
}

/**
 * Stores what each freshly linted OpenAPI document produced. Documents that reach a remote or a
 * missing file are not cached: nothing local could tell when they change.
 */
function storeInCache(cache: LintCache, documents: SourceFile[], raw: RawFinding[], workspace: Workspace): void {
  const byDocument = new Map<string, CachedResult[]>();
  for (const item of raw) {
    if (!item.document || !item.range) continue;
    const list = byDocument.get(item.document) ?? [];
    list.push({ rule: item.rule, message: item.message, file: cache.relative(item.origin.file), pointer: item.origin.pointer, range: item.range, ...(item.defaultSeverity ? { defaultSeverity: item.defaultSeverity } : {}) });
    byDocument.set(item.document, list);
  }
  for (const doc of documents) {
    if (!isOpenApi(doc.kind) || workspace.unresolvedRefs(doc.path).length > 0) continue;
    const deps = workspace.reachableFiles(doc.path);
    if (deps.some((dep) => /^https?:/i.test(dep))) continue;
    cache.store(doc.path, doc.kind, deps, byDocument.get(doc.path) ?? []);
  }
  cache.save();
}

/** Everything besides the files that decides what the document rules report. */
function runKey(request: LintRequest): string {
  const ruleset = request.ruleset;
  return cacheKey([
    VERSION, request.root, request.engine ?? 'gwctl', request.onlyRules ?? null, request.allowRemoteRefs ?? [],
    request.maxFileBytes ?? null, request.maxAliases ?? null, request.maxDepth ?? null,
    [...ruleset.severities], ruleset.overrides.map((o) => [o.files, [...o.severities]]),
    ruleset.spectral.extends, ruleset.spectral.rules, ruleset.spectral.aliases,
    // A custom function's code decides its findings: its content is part of the key.
    Object.entries(ruleset.spectral.functions).map(([name, file]) => [name, workingTree.read(file)?.toString('base64') ?? null]),
  ]);
}

/**
 * Stable across unrelated edits: rule, file and pointer, never line numbers or message wording
 * (a message may mention context that changes, like the list of defined schemes). Several
 * findings of one rule at one node are told apart by their order of message.
 */
function assignFingerprints(findings: Finding[]): void {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.rule}\0${finding.file}\0${finding.pointer}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  for (const [key, group] of groups) {
    group.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
    group.forEach((finding, index) => {
      finding.fingerprint = createHash('sha256').update(index === 0 ? key : `${key}\0${index}`).digest('hex').slice(0, 32);
    });
  }
}

function unknownKind(file: string): LoadError {
  return new LoadError(file, undefined, undefined, "is neither an OpenAPI document (no `swagger: \"2.0\"` or `openapi: 3.0.x/3.1.x` at the top) nor a gateway config (`format: gwctl/v1`, or decK's `_format_version`); give gwctl a spec or a config, or leave the file out of the paths to lint.");
}

