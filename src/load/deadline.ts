import { GwctlError } from '../model/errors.js';

/** The run went over its time budget (`lint --timeout`), or stalled: exit 2, naming the step. */
export class TimeBudgetError extends GwctlError {}

/**
 * A per-run time budget. Long loops call `check` between steps (files, `$ref` targets, rules,
 * every 16k lines of a YAML parse); the step passed in is what an overrun is blamed on. Without
 * --timeout the budget is infinite and only the current step is tracked (for `armHardStop`).
 */
export class Deadline {
  /** what the run is doing now, for the message */
  current = 'starting';
  private readonly at: number;

  constructor(readonly seconds: number = Infinity, now: number = Date.now()) {
    this.at = now + seconds * 1000;
  }

  get expired(): boolean {
    return Date.now() > this.at;
  }

  /** Records the step about to run and throws `TimeBudgetError` when the budget is spent. */
  check(step?: string): void {
    if (step !== undefined) this.current = step;
    if (this.expired) throw this.error();
  }

  error(): TimeBudgetError {
    return new TimeBudgetError(`lint went over its time budget of ${formatSeconds(this.seconds)} (--timeout) while ${this.current}; raise --timeout, or lint fewer or smaller files.`);
  }

  /**
   * The last resorts, for when the loops never get to call `check`. A timer prints the message
   * and exits 2 shortly after the budget, as soon as the event loop runs (nothing can interrupt
   * one synchronous step; the checks inside the YAML parser keep those short). It is not
   * unref'd: an await that never settles (a custom ruleset function returning a promise that
   * never resolves) leaves nothing else to keep node alive, and node would exit 13 before an
   * unref'd timer fired. If node runs out of work first (no --timeout), the `beforeExit` hook
   * names the stalled step instead. The returned function disarms both; call it when the run ends.
   */
  armHardStop(write: (text: string) => void, graceMs = 1000): () => void {
    const stalled = (): void => {
      write(`gwctl: lint stopped while ${this.current}: it was waiting for something that never finished (a custom ruleset function whose promise never settles?); fix or remove it.\n`);
      process.exit(2);
    };
    process.once('beforeExit', stalled);
    let timer: NodeJS.Timeout | undefined;
    if (Number.isFinite(this.at)) {
      timer = setTimeout(() => {
        write(`gwctl: ${this.error().message}\n`);
        process.exit(2);
      }, Math.max(0, this.at - Date.now()) + graceMs);
    }
    return () => {
      process.off('beforeExit', stalled);
      if (timer) clearTimeout(timer);
    };
  }
}

function formatSeconds(seconds: number): string {
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toPrecision(3))} s`;
}
