/**
 * Typed errors, rendered once in `cli`. Every message is one paragraph a user can act on:
 * what went wrong, where (file and line when there is one) and what to do.
 */

export class GwctlError extends Error {
  /** process exit code this error maps to */
  readonly exitCode: number = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad flag or a bad combination of flags. */
export class UsageError extends GwctlError {}

/** A file that cannot be read, parsed or recognised. */
export class LoadError extends GwctlError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${problem}`, options);
  }
}

/** A ruleset that cannot be loaded or is malformed. */
export class RulesetError extends GwctlError {}

/** The gateway's admin API failed or refused. */
export class GatewayError extends GwctlError {
  constructor(
    message: string,
    readonly details: { driver: string; method?: string; url?: string; status?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A refusal on policy grounds (lint errors, unenforceable policy, stale plan): exit 1. */
export class PolicyRefusal extends GwctlError {
  override readonly exitCode = 1;
}
