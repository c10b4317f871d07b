/** Running the real bin/gwctl.js (built by `npm test`) as a user would, for every end-to-end suite. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'gwctl.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** default: the repository root */
  cwd?: string;
  /** added to (undefined: removed from) the test process's environment */
  env?: Record<string, string | undefined>;
  /** the run is killed, and the test fails, after this long (default 60 s) */
  timeoutMs?: number;
}

/** The child's environment: no colour forcing and no admin token leak in from the caller's shell. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, GWCTL_ADMIN_TOKEN: undefined, ...extra };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as NodeJS.ProcessEnv;
}

/** Blocks this process while gwctl runs: fine unless the test itself serves something gwctl calls. */
export function gwctlSync(args: string[], options: RunOptions = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT, env: childEnv(options.env), encoding: 'utf8', input: '', timeout: options.timeoutMs ?? 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Does not block: for tests whose servers (Caddy proxies, upstreams, listeners) gwctl talks to. */
export function gwctlAsync(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gwctl ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}
