import { readFileSync } from 'node:fs';
import path from 'node:path';
import { yaml } from '../load/yaml-lazy.js';
import { LoadError } from '../model/errors.js';
import { findUpward } from '../load/root.js';

/** `.gwctl.yaml`: a Spectral-format ruleset plus the project's files, baseline and targets. */
export interface ProjectConfig {
  file: string;
  /** the ruleset part (extends, rules, overrides, functions, functionsDir, aliases) */
  ruleset: Record<string, unknown>;
  files?: string[];
  baseline?: string;
  targets: Record<string, TargetConfig>;
}

export interface TargetConfig {
  driver: string;
  url: string;
  /** a `${env:…}`/`${file:…}` reference, never a literal */
  token?: string;
  [option: string]: unknown;
}

export const PROJECT_CONFIG_NAMES = ['.gwctl.yaml', '.gwctl.yml'];
const RULESET_KEYS = ['extends', 'rules', 'overrides', 'functions', 'functionsDir', 'aliases', 'formats', 'documentationUrl', 'parserOptions'];
const KNOWN_KEYS = new Set([...RULESET_KEYS, 'files', 'baseline', 'targets']);

export function findProjectConfig(cwd: string): string | undefined {
  return findUpward(cwd, PROJECT_CONFIG_NAMES);
}

export function readProjectConfig(file: string, cwd: string): ProjectConfig {
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LoadError(shown, undefined, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code}).`, { cause: error });
  }
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors[0]) {
    const pos = lineCounter.linePos(doc.errors[0].pos[0]);
    throw new LoadError(shown, pos.line, pos.col, `${doc.errors[0].message.split('\n')[0]}; fix the project config's YAML syntax.`);
  }
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof data !== 'object' || Array.isArray(data)) throw new LoadError(shown, 1, 1, 'the project config must be a mapping (extends, rules, files, targets, …).');
  for (const key of Object.keys(data)) {
    if (!KNOWN_KEYS.has(key) && !key.startsWith('x-')) {
      throw new LoadError(shown, undefined, undefined, `has an unknown key '${key}'; the project config knows ${[...KNOWN_KEYS].join(', ')}.`);
    }
  }
  const ruleset: Record<string, unknown> = {};
  for (const key of RULESET_KEYS) if (key in data) ruleset[key] = data[key];
  // A project config that only tunes rules still starts from the recommended set.
  if (!('extends' in ruleset)) ruleset.extends = ['gwctl:recommended'];
  const files = data.files;
  if (files !== undefined && (!Array.isArray(files) || files.some((f) => typeof f !== 'string'))) {
    throw new LoadError(shown, undefined, undefined, '`files` must be a list of paths or globs.');
  }
  return {
    file,
    ruleset,
    files: files as string[] | undefined,
    baseline: typeof data.baseline === 'string' ? data.baseline : undefined,
    targets: (data.targets ?? {}) as Record<string, TargetConfig>,
  };
}
