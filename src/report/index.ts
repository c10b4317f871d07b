/** The formatter registry: `-f NAME[:FILE]` looks formatters up here by name. */
import type { Formatter } from '../model/report.js';
import { format as github } from './github.js';
import { format as gitlab } from './gitlab.js';
import { format as html } from './html.js';
import { format as json } from './json.js';
import { format as junit } from './junit.js';
import { format as markdown } from './markdown.js';
import { format as sarif } from './sarif.js';
import { format as stylish } from './stylish.js';

export const formatters: Record<string, Formatter> = {
  stylish,
  json,
  sarif,
  junit,
  github,
  markdown,
  html,
  gitlab,
};

export { formatStylish, type StylishOptions } from './stylish.js';
export type { ReportExtras, ExtendedReportContext } from './context.js';
