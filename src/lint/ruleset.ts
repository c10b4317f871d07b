import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';
import { yaml } from '../load/yaml-lazy.js';
import type { Severity, SeverityOrOff } from '../model/finding.js';
import { RulesetError } from '../model/errors.js';

/**
 * A ruleset in Spectral's format, resolved: `extends` flattened, severities per rule, `overrides`
 * by file glob, and whatever Spectral rules (`spectral:oas`, the user's own) spectral-core must run.
 */
export interface ResolvedRuleset {
  /** where it came from, for messages: a file path or a built-in name */
  source: string;
  /** base severity of every rule mentioned (gwctl's and Spectral's) */
  severities: Map<string, SeverityOrOff>;
  overrides: Array<{ files: string[]; match: (relativeFile: string) => boolean; severities: Map<string, SeverityOrOff> }>;
  /** Spectral rulesets to run through spectral-core (empty = spectral-core is never loaded) */
  spectral: SpectralPart;
}

export interface SpectralPart {
  /** 'spectral:oas' and friends, by name */
  extends: string[];
  /** user-defined Spectral rules (full definitions), by id */
  rules: Record<string, unknown>;
  /** custom function files, by function name */
  functions: Record<string, string>;
  aliases: Record<string, unknown>;
  /** the folder the custom rules' ruleset file lives in */
  baseDir: string;
}

export const BUILTIN_RULESETS = ['gwctl:recommended', 'gwctl:strict', 'gwctl:all'] as const;
const SPECTRAL_RULESETS = new Set(['spectral:oas']);
const SEVERITY_WORDS: Record<string, SeverityOrOff> = {
  error: 'error', warn: 'warn', warning: 'warn', info: 'info', information: 'info', hint: 'hint', off: 'off',
  0: 'error', 1: 'warn', 2: 'info', 3: 'hint', '-1': 'off',
};

const here = path.dirname(fileURLToPath(import.meta.url));
/** rulesets/ at the package root (dist/lint → ../../rulesets, src/lint → ../../rulesets) */
export const RULESETS_DIR = path.resolve(here, '..', '..', 'rulesets');

interface RawRuleset {
  extends?: unknown;
  rules?: Record<string, unknown>;
  overrides?: Array<{ files?: string[]; rules?: Record<string, unknown> }>;
  functions?: string[];
  functionsDir?: string;
  aliases?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Loads a ruleset file or a built-in name into one resolved ruleset. */
export function loadRuleset(ref: string, cwd: string): ResolvedRuleset {
  const out: ResolvedRuleset = {
    source: ref,
    severities: new Map(),
    overrides: [],
    spectral: { extends: [], rules: {}, functions: {}, aliases: {}, baseDir: cwd },
  };
  apply(out, ref, cwd, []);
  return out;
}

/** A ruleset given as data (the ruleset part of `.gwctl.yaml`). */
export function resolveRulesetData(raw: RawRuleset, file: string): ResolvedRuleset {
  const out: ResolvedRuleset = {
    source: file,
    severities: new Map(),
    overrides: [],
    spectral: { extends: [], rules: {}, functions: {}, aliases: {}, baseDir: path.dirname(file) },
  };
  applyData(out, raw, file, []);
  return out;
}

function apply(out: ResolvedRuleset, ref: string, fromDir: string, chain: string[]): void {
  if (SPECTRAL_RULESETS.has(ref)) {
    if (!out.spectral.extends.includes(ref)) out.spectral.extends.push(ref);
    return;
  }
  const file = ref.startsWith('gwctl:') ? builtinFile(ref) : path.resolve(fromDir, ref);
  if (chain.includes(file)) throw new RulesetError(`ruleset ${ref} extends itself (${[...chain, file].join(' → ')}); remove the cycle from \`extends\`.`);
  applyData(out, readRuleset(file, ref), file, [...chain, file]);
}

function applyData(out: ResolvedRuleset, raw: RawRuleset, file: string, chain: string[]): void {
  const dir = path.dirname(file);
  for (const parent of extendsList(raw.extends, file)) apply(out, parent, dir, chain);
  for (const [id, value] of Object.entries(raw.rules ?? {})) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // A full Spectral rule definition: spectral-core runs it.
      out.spectral.rules[id] = value;
      const severity = (value as { severity?: unknown }).severity;
      out.severities.set(id, severity === undefined ? 'warn' : toSeverity(severity, id, file));
    } else {
      out.severities.set(id, toSeverity(value, id, file));
    }
  }
  for (const name of raw.functions ?? []) {
    out.spectral.functions[name] = path.resolve(dir, raw.functionsDir ?? 'functions', `${name}.js`);
  }
  Object.assign(out.spectral.aliases, raw.aliases ?? {});
  if (raw.functions?.length || Object.keys(raw.rules ?? {}).some((id) => typeof raw.rules![id] === 'object')) out.spectral.baseDir = dir;
  for (const override of raw.overrides ?? []) {
    if (!Array.isArray(override.files)) throw new RulesetError(`${file}: every entry of \`overrides\` needs \`files\`, a list of globs.`);
    // Globs are relative to the ruleset's folder, as in Spectral.
    const globs = override.files.map((glob) => path.resolve(dir, glob).split(path.sep).join('/'));
    // picomatch is needed only by rulesets with overrides: loaded then, not on every run.
    const picomatch = createRequire(import.meta.url)('picomatch') as typeof picomatchType;
    const matchers = globs.map((glob) => picomatch(glob, { dot: true }));
    const severities = new Map<string, SeverityOrOff>();
    for (const [id, value] of Object.entries(override.rules ?? {})) severities.set(id, toSeverity(value, id, file));
    out.overrides.push({ files: override.files, match: (absolute) => matchers.some((m) => m(absolute.split(path.sep).join('/'))), severities });
  }
}

function extendsList(value: unknown, file: string): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    // Spectral allows [name, 'recommended' | 'all' | 'off']; the second part only matters for spectral:oas.
    const name = Array.isArray(item) ? item[0] : item;
    if (typeof name !== 'string') throw new RulesetError(`${file}: \`extends\` entries must be ruleset names or paths, got ${JSON.stringify(item)}.`);
    return name;
  });
}

function builtinFile(name: string): string {
  if (!(BUILTIN_RULESETS as readonly string[]).includes(name)) {
    throw new RulesetError(`unknown built-in ruleset '${name}'; use one of ${BUILTIN_RULESETS.join(', ')} or spectral:oas.`);
  }
  return path.join(RULESETS_DIR, `${name.slice('gwctl:'.length)}.yaml`);
}

function readRuleset(file: string, ref: string): RawRuleset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RulesetError(`ruleset ${ref} cannot be read (${(error as NodeJS.ErrnoException).code ?? error}); check the path given to --ruleset or in \`extends\`.`, { cause: error });
  }
  let data: unknown;
  try {
    data = builtinJson(file) ?? yaml().parse(text);
  } catch (error) {
    const pos = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new RulesetError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: the ruleset is not valid YAML (${(error as Error).message.split('\n')[0]}); fix the syntax.`, { cause: error });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new RulesetError(`${file}: a ruleset must be a mapping with \`extends\`, \`rules\` and \`overrides\`.`);
  return data as RawRuleset;
}

/**
 * The built-in rulesets as JSON, written by the build next to dist/ (scripts/build-assets.mjs),
 * so the default run does not load a YAML parser for its own three small presets.
 */
function builtinJson(file: string): unknown {
  if (path.dirname(file) !== RULESETS_DIR) return undefined;
  try {
    return JSON.parse(readFileSync(path.join(here, '..', 'rulesets', `${path.basename(file, '.yaml')}.json`), 'utf8'));
  } catch {
    return undefined; // running from src/ (tests): parse the YAML
  }
}

function toSeverity(value: unknown, id: string, file: string): SeverityOrOff {
  if (value === true) return 'warn';
  if (value === false) return 'off';
  const severity = SEVERITY_WORDS[String(value)];
  if (!severity) throw new RulesetError(`${file}: rule '${id}' has severity ${JSON.stringify(value)}; use error, warn, info, hint or off.`);
  return severity;
}

/** The severity a rule has for one file, after overrides (later overrides win). */
export function severityFor(ruleset: ResolvedRuleset, rule: string, absoluteFile: string, fallback: SeverityOrOff = 'off'): SeverityOrOff {
  let severity = ruleset.severities.get(rule) ?? fallback;
  for (const override of ruleset.overrides) {
    const value = override.severities.get(rule);
    if (value !== undefined && override.match(absoluteFile)) severity = value;
  }
  return severity;
}

/** Rules that are on somewhere (base or an override), so the engine knows what to run. */
export function activeRules(ruleset: ResolvedRuleset): Set<string> {
  const on = new Set<string>();
  for (const [id, severity] of ruleset.severities) if (severity !== 'off') on.add(id);
  for (const override of ruleset.overrides) for (const [id, severity] of override.severities) if (severity !== 'off') on.add(id);
  return on;
}

export function isSeverity(value: SeverityOrOff): value is Severity {
  return value !== 'off';
}
