import type { Formatter } from '../model/report.js';
import type { StylishOptions } from './stylish.js';
import type { Finding } from '../model/finding.js';
import type { ReportContext } from '../model/report.js';

/**
 * Formatter names and their modules, loaded on demand: a run that prints stylish never loads
 * the HTML report's code. (index.ts imports them all, for tests and library users.)
 */
const LOADERS: Record<string, () => Promise<{ format: Formatter }>> = {
  stylish: () => import('./stylish.js'),
  json: () => import('./json.js'),
  sarif: () => import('./sarif.js'),
  junit: () => import('./junit.js'),
  github: () => import('./github.js'),
  markdown: () => import('./markdown.js'),
  html: () => import('./html.js'),
  gitlab: () => import('./gitlab.js'),
};

export const FORMAT_NAMES: readonly string[] = Object.keys(LOADERS);

export async function loadFormatter(name: string): Promise<Formatter | undefined> {
  const loader = LOADERS[name];
  return loader ? (await loader()).format : undefined;
}

export async function loadStylish(): Promise<(findings: readonly Finding[], context: ReportContext, options: StylishOptions) => string> {
  return (await import('./stylish.js')).formatStylish;
}
