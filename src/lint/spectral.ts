import path from 'node:path';
import { pathToFileURL } from 'node:url';
import spectralCore from '@stoplight/spectral-core';
import refResolver from '@stoplight/spectral-ref-resolver';
import * as spectralFunctions from '@stoplight/spectral-functions';
import * as spectralFormats from '@stoplight/spectral-formats';
import { oas } from '@stoplight/spectral-rulesets';
import type { Origin, SourceFile } from '../model/document.js';
import { toPointer } from '../model/document.js';
import type { Severity } from '../model/finding.js';
import { RulesetError } from '../model/errors.js';
import { RULES_BY_ID } from '../rules/index.js';
import type { Workspace } from '../load/workspace.js';
import type { ResolvedRuleset } from './ruleset.js';

/**
 * Runs the Spectral part of a ruleset (`spectral:oas`, the user's own rules) through spectral-core.
 * Loaded only when a ruleset has such rules: spectral-core costs ~0.4 s to import and far more
 * per document than gwctl's own runner, so built-in rules never go through here.
 */
export interface SpectralFinding {
  rule: string;
  message: string;
  origin: Origin;
  defaultSeverity: Severity;
  /** the document being linted when it was found (for the cache) */
  document: string;
}

const { Spectral } = spectralCore;
const SEVERITIES: Severity[] = ['error', 'warn', 'info', 'hint'];

const FORMATS: Record<string, unknown> = {
  ...(spectralFormats as Record<string, unknown>),
  'gwctl-v1': Object.assign((doc: unknown) => (doc as { format?: unknown } | null)?.format === 'gwctl/v1', { displayName: 'gwctl/v1' }),
};

export async function runSpectral(documents: SourceFile[], workspace: Workspace, ruleset: ResolvedRuleset, onlyRules?: readonly string[]): Promise<SpectralFinding[]> {
  const definition = await rulesetDefinition(ruleset);
  return spectralFindings(documents, workspace, definition, (code) => !RULES_BY_ID.has(code) && (!onlyRules || onlyRules.includes(code)));
}

/**
 * gwctl's own document rules run through spectral-core instead of gwctl's runner: the reference
 * the fast path is tested against (`--engine spectral-core`). Each rule is its Spectral-contract
 * function on `$`; spectral-core resolves `$ref`s and maps paths to files itself.
 */
export async function runBuiltinsThroughSpectral(documents: SourceFile[], workspace: Workspace, ruleIds: readonly string[]): Promise<SpectralFinding[]> {
  const kinds: Record<string, unknown> = { oas2: FORMATS.oas2, oas3_0: FORMATS.oas3_0, oas3_1: FORMATS.oas3_1, 'gwctl-v1': FORMATS['gwctl-v1'] };
  const rules: Record<string, unknown> = {};
  for (const id of ruleIds) {
    const rule = RULES_BY_ID.get(id);
    if (!rule || rule.scope !== 'document') continue;
    rules[id] = {
      description: rule.description,
      message: '{{error}}',
      given: '$',
      severity: 'error',
      formats: rule.formats.map((kind) => kinds[kind]),
      then: { function: (input: unknown, options: unknown) => rule.then(input, options, {}).map((r) => ({ message: r.message, path: r.path ? [...r.path] : [] })) },
    };
  }
  return spectralFindings(documents, workspace, { rules }, (code) => RULES_BY_ID.has(code));
}

async function spectralFindings(documents: SourceFile[], workspace: Workspace, definition: Record<string, unknown>, accept: (code: string) => boolean): Promise<SpectralFinding[]> {
  // Refs resolve only to files the workspace already loaded (inside the root); never to the network.
  const resolver = new refResolver.Resolver({
    resolvers: {
      file: { resolve: async (ref: { href(): string }) => readLoaded(workspace, ref.href()) },
      // Remote documents were fetched (from allowed hosts only) by the workspace, or refused.
      http: { resolve: async (ref: { href(): string }) => readLoaded(workspace, ref.href()) },
      https: { resolve: async (ref: { href(): string }) => readLoaded(workspace, ref.href()) },
    },
  });
  const spectral = new Spectral({ resolver });
  spectral.setRuleset(definition as never);

  const out: SpectralFinding[] = [];
  for (const doc of documents) {
    const results = await spectral.run(parsedResult(doc) as never);
    for (const result of results) {
      const code = String(result.code);
      if (!accept(code)) continue;
      out.push({
        rule: code,
        message: result.message,
        origin: { file: result.source ? path.resolve(result.source) : doc.path, pointer: toPointer(result.path) },
        defaultSeverity: SEVERITIES[result.severity] ?? 'warn',
        document: doc.path,
      });
    }
  }
  return out;
}

/**
 * Hands spectral-core the data gwctl already parsed, instead of a text it would parse again with
 * positions (its slowest step on large specs). Spectral's ranges are not needed: the engine
 * positions every finding from its file and pointer, so the location callback is a stub.
 */
function parsedResult(doc: SourceFile): unknown {
  return {
    parsed: { data: doc.data, diagnostics: [], ast: {}, lineMap: [] },
    source: doc.path,
    getLocationForJsonPath: () => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }),
  };
}

function readLoaded(workspace: Workspace, file: string): string {
  const source = workspace.files.get(/^https?:/i.test(file) ? file : path.resolve(file));
  if (!source) throw new Error(`$ref to ${file} is outside what gwctl loaded`);
  return source.text;
}

async function rulesetDefinition(ruleset: ResolvedRuleset): Promise<Record<string, unknown>> {
  const functions: Record<string, unknown> = { ...(spectralFunctions as Record<string, unknown>) };
  for (const [name, file] of Object.entries(ruleset.spectral.functions)) {
    try {
      const module = await import(pathToFileURL(file).href) as { default?: unknown };
      functions[name] = module.default;
    } catch (error) {
      throw new RulesetError(`custom function '${name}' cannot be loaded from ${file} (${(error as Error).message}); it must be an ES module whose default export is the function.`, { cause: error });
    }
  }
  const rules: Record<string, unknown> = {};
  for (const [id, definition] of Object.entries(ruleset.spectral.rules)) rules[id] = withFunctions(definition, functions, id);
  // Severity overrides of spectral:oas rules; gwctl's own rules never reach spectral-core.
  for (const [id, severity] of ruleset.severities) {
    if (!RULES_BY_ID.has(id) && !(id in rules)) rules[id] = severity;
  }
  const definition: Record<string, unknown> = { rules, aliases: ruleset.spectral.aliases };
  if (ruleset.spectral.extends.includes('spectral:oas')) definition.extends = [[oas, 'recommended']];
  return definition;
}

function withFunctions(definition: unknown, functions: Record<string, unknown>, id: string): unknown {
  const rule = { ...(definition as Record<string, unknown>) };
  const thens = Array.isArray(rule.then) ? rule.then : [rule.then];
  rule.then = thens.map((then: Record<string, unknown>) => {
    const fn = functions[String(then?.function)];
    if (typeof fn !== 'function') throw new RulesetError(`rule '${id}' uses function '${then?.function}', which is neither a Spectral core function nor listed in \`functions\`.`);
    return { ...then, function: fn };
  });
  if (Array.isArray(rule.formats)) {
    rule.formats = rule.formats.map((name: unknown) => {
      const format = FORMATS[String(name)];
      if (!format) throw new RulesetError(`rule '${id}' names unknown format '${name}'; use oas2, oas3, oas3_0, oas3_1 or gwctl-v1.`);
      return format;
    });
  }
  return rule;
}
