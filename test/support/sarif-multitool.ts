/** Microsoft's SARIF multitool (`@microsoft/sarif-multitool`, which ships the binary) as a validator for tests. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The multitool ships a native binary for the platform in an optional dependency. */
export function multitoolBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const bin = require('@microsoft/sarif-multitool') as string;
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

export const MULTITOOL = multitoolBinary();

/** Runs `sarif-multitool validate` and returns the validator's own results (it reports in SARIF). */
/** Fails (rather than skips) when the multitool is missing: `npm ci` installs it as a dev dependency. */
export function validateSarif(sarifText: string): { errors: string[]; all: string[] } {
  if (!MULTITOOL) throw new Error('@microsoft/sarif-multitool is not installed for this platform; run npm ci');
  const dir = mkdtempSync(join(tmpdir(), 'gwctl-sarif-'));
  try {
    const input = join(dir, 'gwctl.sarif');
    const output = join(dir, 'validation.sarif');
    writeFileSync(input, sarifText);
    try {
      execFileSync(MULTITOOL!, ['validate', input, '--output', output, '--log', 'ForceOverwrite'], {
        env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
        stdio: 'pipe',
        timeout: 120_000,
      });
    } catch (err) {
      // Exit code 1 means "found errors"; the output file says which. Anything else is a crash.
      if (!existsSync(output)) throw err;
    }
    const report = JSON.parse(readFileSync(output, 'utf8')) as {
      runs: Array<{
        results?: Array<{ ruleId: string; level?: string; message: { text?: string; id?: string; arguments?: string[] } }>;
        invocations?: Array<{ toolExecutionNotifications?: Array<{ level?: string; message: { text: string } }> }>;
      }>;
    };
    const run = report.runs[0]!;
    const describe = (r: { ruleId: string; level?: string; message: { text?: string; id?: string; arguments?: string[] } }) =>
      `${r.level ?? 'warning'} ${r.ruleId}: ${r.message.text ?? r.message.id} ${(r.message.arguments ?? []).join(' | ')}`;
    const all = (run.results ?? []).map(describe);
    const errors = (run.results ?? []).filter((r) => r.level === 'error').map(describe);
    for (const n of run.invocations?.[0]?.toolExecutionNotifications ?? []) {
      if (n.level === 'error') errors.push(`tool error: ${n.message.text}`);
    }
    return { errors, all };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
