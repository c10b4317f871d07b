import type { DocumentKind, JsonPath, Origin } from './document.js';
import type { GatewayModel } from './gateway.js';

/**
 * What a rule function returns, in Spectral's contract: a message and a path. `path` is in the
 * logical document the function was given (as if every `$ref` were resolved); the engine maps it
 * to the file and pointer where the node really is. Rules over the gateway model, whose nodes come
 * from several files, return `at` (the node's recorded origin) instead.
 */
export interface RuleResult {
  message: string;
  path?: JsonPath;
  at?: Origin;
}

/**
 * The context our runner passes. Under spectral-core the document is already resolved, so
 * `deref` may be missing: use the `deref()` helper in src/rules/functions, which falls back to
 * the identity.
 */
export interface RuleContext {
  /** follows a `{$ref}` node (chains too) to its target; returns the node itself otherwise */
  deref?: <T = unknown>(node: T) => T;
  /** the kind of the document being linted */
  kind?: DocumentKind;
  /**
   * `$ref`s in this document (and the files it reaches) that point at nothing, where they are
   * written. Missing under spectral-core, which reports them itself (invalid-ref).
   */
  unresolvedRefs?: () => Array<{ ref: string; at: Origin }>;
}

export interface RuleDocs {
  /** what the rule checks, one paragraph */
  what: string;
  /** why it matters for governance */
  why: string;
  /** how to fix a finding */
  howToFix: string;
}

/** A rule over one OpenAPI document: Spectral-contract `then`, run directly on the parsed data. */
export interface DocumentRule {
  id: string;
  scope: 'document';
  /** one line, used as the SARIF short description and in `rules list` */
  description: string;
  docs: RuleDocs;
  formats: readonly DocumentKind[];
  then(input: unknown, options: unknown, context: RuleContext): RuleResult[];
}

/** A rule over the whole gateway model of a run (all config files merged, specs linked). */
export interface ProjectRule {
  id: string;
  scope: 'project';
  description: string;
  docs: RuleDocs;
  formats: readonly DocumentKind[];
  then(model: GatewayModel, options: unknown, context: RuleContext): RuleResult[];
}

export type Rule = DocumentRule | ProjectRule;
