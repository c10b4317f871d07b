import type { ReportContext } from '../model/report.js';

/**
 * Optional extras a formatter can use when the CLI provides them. They are not part of the
 * `ReportContext` contract in src/model (which this package must not change), so formatters read
 * them defensively through `extrasOf`.
 */
export interface ReportExtras {
  /**
   * Every linted file (relative, forward slashes), including those without findings. JUnit uses
   * it to emit a passing test case per clean file; without it only files known from findings and
   * coverage rows get one.
   */
  files?: readonly string[];
}

export type ExtendedReportContext = ReportContext & ReportExtras;

export function extrasOf(context: ReportContext): ReportExtras {
  return context as ExtendedReportContext;
}
