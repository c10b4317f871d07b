/** Terminal niceties: progress on stderr, and whether to colour. */
/**
 * A one-line progress indicator on stderr for long runs, drawn only on a terminal (never in CI
 * logs or when piped) and only once a run has taken long enough to be worth watching.
 */
export function terminalProgress(write: (text: string) => void, enabled: boolean, delayMs = 400): {
  update: (done: number, total: number, phase: string) => void;
  done: () => void;
} {
  const start = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total, phase) {
      const now = Date.now();
      if (!enabled || now - start < delayMs || now - lastDraw < 80) return;
      lastDraw = now;
      drawn = true;
      write(`\r\u001b[2Kgwctl: ${phase === 'load' ? 'reading' : 'linting'} ${done}/${total} files…`);
    },
    done() {
      if (drawn) write('\r\u001b[2K');
    },
  };
}

/** Colour only on a terminal, never with NO_COLOR set (no-color.org) or `--no-color`. */
export function wantsColor(io: { isTTY: boolean; env: NodeJS.ProcessEnv }, flag = true): boolean {
  return flag && io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
}
