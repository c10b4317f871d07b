/** Runs the real bin/gwctl.js under /usr/bin/time (when there is one) to measure peak memory. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { BIN, ROOT } from '../e2e/run.js';

export { ROOT };
export const HOSTILE = path.join(ROOT, 'fixtures', 'hostile');

/** the bounds every hostile input must stay within */
export const MAX_MS = 20_000;
export const MAX_RSS_KB = 1024 * 1024;

const TIME = '/usr/bin/time';
const HAS_TIME = existsSync(TIME);

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** peak resident memory in KB, when /usr/bin/time exists */
  rssKb?: number;
}

let runs = 0;

export async function gwctl(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<MeasuredRun> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, NODE_OPTIONS: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const rssFile = path.join(os.tmpdir(), `gwctl-hostile-rss-${process.pid}-${runs++}`);
  const [command, argv] = HAS_TIME
    ? [TIME, ['-o', rssFile, '-f', '%M', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const started = performance.now();
  const child = spawn(command, argv, { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  // Far beyond MAX_MS: a hung gwctl fails the bound instead of hanging the suite.
  const killer = setTimeout(() => child.kill('SIGKILL'), 3 * MAX_MS);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(killer);
  const ms = performance.now() - started;
  let rssKb: number | undefined;
  if (HAS_TIME && existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" first when the exit code is not 0.
    const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
    rssKb = /^\d+$/.test(last) ? Number(last) : undefined;
    rmSync(rssFile, { force: true });
  }
  return { code, signal, stdout, stderr, ms, rssKb };
}

/**
 * The invariants of every hostile input: one of gwctl's exit codes (no signal, no crash), no
 * "unexpected error" (a bug), no stack trace, and bounded time and memory.
 */
export function expectContained(run: MeasuredRun, codes: readonly number[]): void {
  const context = `exit ${run.code} signal ${run.signal} after ${Math.round(run.ms)} ms, ${run.rssKb ?? '?'} KB\nstderr: ${run.stderr.slice(0, 2000)}`;
  expect(run.signal, context).toBeNull();
  expect(codes, context).toContain(run.code);
  expect(run.stderr, context).not.toMatch(/unexpected error/);
  expect(run.stderr, context).not.toMatch(/\n\s+at /);
  expect(run.stderr, context).not.toMatch(/FATAL ERROR|heap out of memory|Maximum call stack/);
  expect(run.ms, context).toBeLessThan(MAX_MS);
  if (run.rssKb !== undefined) expect(run.rssKb, context).toBeLessThan(MAX_RSS_KB);
}

/** A refusal: exit 2, one paragraph starting with `gwctl: <file>[:line[:col]]: ` (that line, when given). */
export function expectRefusal(run: MeasuredRun, file: string, line?: number): void {
  expectContained(run, [2]);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const position = line === undefined ? '(:\\d+(:\\d+)?)?' : `:${line}(:\\d+)?`;
  expect(run.stderr).toMatch(new RegExp(`^gwctl: ${escaped}${position}: \\S`));
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
}
