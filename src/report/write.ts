/**
 * `-f, --format NAME[:FILE]` (repeatable): parsing the flag value and delivering each format to
 * stdout or to its file. The only place report output touches the file system.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Finding } from '../model/finding.js';
import type { ReportContext } from '../model/report.js';
import { UsageError } from '../model/errors.js';
import { FORMAT_NAMES, loadFormatter, loadStylish } from './registry.js';

export interface FormatSpec {
  name: string;
  /** undefined = stdout */
  file?: string;
}

/** `sarif:out/gwctl.sarif` → {name: 'sarif', file: 'out/gwctl.sarif'}; only the first colon splits (C:\ paths). */
export function parseFormatSpec(spec: string): FormatSpec {
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const file = colon < 0 ? undefined : spec.slice(colon + 1);
  if (!FORMAT_NAMES.includes(name)) {
    throw new UsageError(`unknown format '${name}' in -f ${spec}; use one of: ${FORMAT_NAMES.join(', ')} (optionally NAME:FILE)`);
  }
  if (file !== undefined && file.trim() === '') throw new UsageError(`-f ${spec}: the file name after ':' is empty`);
  return file === undefined ? { name } : { name, file };
}

export interface WriteOptions {
  /** receives what goes to standard output, once per stdout format */
  stdout: (text: string) => void;
  /** colour for stylish on stdout (TTY and not NO_COLOR); files never get colour */
  color: boolean;
}

/** Renders every requested format; files are resolved against context.cwd, folders created. Returns the files written. */
export async function writeReports(specs: readonly FormatSpec[], findings: readonly Finding[], context: ReportContext, options: WriteOptions): Promise<string[]> {
  const written: string[] = [];
  for (const spec of specs) {
    const formatter = await loadFormatter(spec.name);
    if (!formatter) throw new UsageError(`unknown format '${spec.name}'; use one of: ${FORMAT_NAMES.join(', ')}`);
    if (spec.file === undefined) {
      options.stdout(spec.name === 'stylish' ? (await loadStylish())(findings, context, { color: options.color }) : formatter(findings, context));
      continue;
    }
    const path = resolve(context.cwd, spec.file);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, formatter(findings, context));
    } catch (error) {
      throw new UsageError(`cannot write the ${spec.name} report to ${spec.file} (${(error as NodeJS.ErrnoException).code ?? error}); check that the folder is writable.`, { cause: error });
    }
    written.push(path);
  }
  return written;
}
