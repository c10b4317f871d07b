/** The baseline file, as pinned in cli.md: `{entries: [{rule, file, pointer, fingerprint, reason, owner, expires}]}`. */

export interface BaselineEntry {
  rule: string;
  /** relative to the current folder, forward slashes (as in Finding.file) */
  file: string;
  /** informative: where the finding was when it was baselined (matching uses the fingerprint) */
  pointer: string;
  fingerprint: string;
  /** why this debt is accepted */
  reason: string;
  /** who answers for it */
  owner: string;
  /** ISO date (`2026-06-30`) or date-time; null = never expires */
  expires: string | null;
}

export interface Baseline {
  entries: BaselineEntry[];
}
