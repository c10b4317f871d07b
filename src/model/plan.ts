/**
 * What `plan` computes and `apply` runs: a list of changes to one target's managed objects, plus
 * what the plan was computed from (input hashes, lint summary, live-state fingerprint), so a
 * saved plan can be refused when any of it moved. A plan never holds a secret value: every
 * secret position reads `(secret)`.
 */

export const PLAN_FORMAT = 'gwctl-plan/v1';
export const SECRET_MASK = '(secret)';

export type ChangeAction = 'create' | 'update' | 'delete';

/** One leaf that differs, by its dotted path inside the object (`handle.0.status_code`). */
export interface FieldChange {
  path: string;
  /** absent: the field does not exist before (create) */
  before?: unknown;
  /** absent: the field does not exist after (delete) */
  after?: unknown;
}

export interface Change {
  action: ChangeAction;
  /** the driver's object kind: `server`, `route`, `tls-policy`, … */
  kind: string;
  /** the object's identity on the gateway (Caddy `@id`, Kong name, …) */
  key: string;
  /** a short human description (route `payments-api/list-payments`) */
  label?: string;
  before?: unknown;
  after?: unknown;
  fields: FieldChange[];
}

/** A policy the target cannot enforce, for one route. */
export interface UnenforcedPolicy {
  /** the name `--allow-unenforced` takes: rate-limit, jwt, oauth2, mtls, tls, weight, token-budget */
  policy: string;
  service: string;
  route?: string;
  reason: string;
}

export interface PlanTarget {
  driver: string;
  /** the admin API, without credentials */
  url: string;
  /** the `.gwctl.yaml` target name, when the plan was made for one */
  name?: string;
  /** non-secret driver options (listen, tls mode, server name) */
  options: Record<string, unknown>;
}

export interface PlanInputFile {
  /** relative to the project root, `/`-separated */
  path: string;
  sha256: string;
}

export interface LintSummary {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  tool: { name: string; version: string };
  createdAt: string;
  target: PlanTarget;
  inputs: {
    /** the paths given on the command line (relative to the project root), re-linted by apply */
    args: string[];
    /** every file the run read: configs, linked specs, `$ref` targets */
    files: PlanInputFile[];
    /** sha256 over the files' paths and contents */
    hash: string;
  };
  lint: LintSummary;
  live: { fingerprint: string; etag?: string };
  allowUnenforced: string[];
  unenforced: UnenforcedPolicy[];
  /** notes the plan wants the user to read (unmanaged routes kept, draft services skipped) */
  notes: string[];
  changes: Change[];
  summary: { create: number; update: number; delete: number };
}

export function emptySummary(): Plan['summary'] {
  return { create: 0, update: 0, delete: 0 };
}

export function summarizeChanges(changes: readonly Change[]): Plan['summary'] {
  const summary = emptySummary();
  for (const change of changes) summary[change.action] += 1;
  return summary;
}
