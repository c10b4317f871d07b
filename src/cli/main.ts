import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { GwctlError } from '../model/errors.js';
import { VERSION } from '../version.js';

/**
 * commander wiring only: flags → typed options → one use-case call → exit code. Each command's
 * module is imported when the command runs, so `gwctl --version` loads almost nothing.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const verbose = argv.includes('--verbose');
  let exitCode = 0;
  const program = new Command('gwctl')
    .description('API-gateway governance: lint OpenAPI specs and gateway configs, then plan and apply only what passed.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run gwctl --help for usage)');

  program.command('lint')
    .description('lint OpenAPI documents and gateway configs (files, folders, globs)')
    .argument('[paths...]', 'files, folders or globs; default: `files` of .gwctl.yaml, else the current folder')
    .option('-r, --ruleset <file>', 'a Spectral-format ruleset (default: .gwctl.yaml, else gwctl:recommended)')
    .option('-f, --format <name[:file]>', 'stylish, json, sarif, junit, github, markdown, html, gitlab; repeatable', collect, [])
    .addOption(new Option('--fail-severity <level>', 'lowest severity that fails the run').choices(['error', 'warn', 'info', 'hint', 'none']).default('error'))
    .option('--max-warnings <n>', 'fail when there are more warnings than this', integer)
    .option('--baseline <file>', 'findings listed in this baseline do not fail the run')
    .option('--since <git-ref>', 'only findings that are new since this commit fail the run')
    .option('--allow-remote-refs <hosts>', 'hosts remote $refs may come from (comma-separated)', list)
    .option('--max-file-size <mb>', 'largest file to read, in MB', number)
    .option('--max-aliases <n>', 'YAML alias expansions allowed per file', integer)
    .option('--max-depth <n>', 'how deeply mappings and lists may nest (default 500)', positiveInteger)
    .option('--timeout <seconds>', 'time budget of the whole lint run; over it: exit 2', number)
    .option('-q, --quiet', 'only findings that fail the run, no summary when clean')
    .option('--verbose', 'stack traces on errors, timings per phase and rule')
    .option('--no-color', 'no colours, even on a terminal')
    .option('--no-cache', 'lint every file afresh instead of reusing .gwctl/cache for unchanged specs')
    .addOption(new Option('--engine <engine>', "run the built-in rules through gwctl's runner or spectral-core (to compare)").choices(['gwctl', 'spectral-core']).default('gwctl').hideHelp())
    .action(async (paths: string[], options) => {
      const { lintCommand } = await import('./lint.js');
      exitCode = await lintCommand(paths, options, io);
    });

  program.command('explain')
    .description('the effective policy of every route and spec operation: tenant, auth, rate limit, TLS, who may call it')
    .argument('[configs...]', 'gateway configs (and folders); default: `files` of .gwctl.yaml, else the current folder')
    .addOption(new Option('--format <name>', 'output format').choices(['table', 'json']).default('table'))
    .option('--verbose', 'stack traces on errors')
    .action(async (paths: string[], options: { format: 'table' | 'json' }) => {
      const { explainCliCommand } = await import('./explain.js');
      exitCode = await explainCliCommand(paths, options, io);
    });

  const targetOptions = (command: Command) => command
    .option('--target <target>', 'a target named in .gwctl.yaml, or caddy+http://host:port')
    .option('-r, --ruleset <file>', 'the ruleset lint runs with before anything is planned')
    .option('--ca <file>', 'CA bundle to verify the admin API\'s TLS certificate')
    .option('--timeout <ms>', 'timeout of each admin API request', integer)
    .option('--concurrency <n>', 'parallel admin API requests, where the driver applies per object', integer)
    .option('--allow-unenforced <policies>', 'accept policies the target cannot enforce (rate-limit, jwt, mtls, …)', list)
    .option('--verbose', 'stack traces on errors, HTTP requests (token redacted)');

  targetOptions(program.command('plan')
    .description('lint, render for the target, fetch the live state, and print what apply would change')
    .argument('[configs...]', 'gateway configs; default: `files` of .gwctl.yaml')
    .option('-o, --out <file>', 'save the plan (with input hashes and the live-state fingerprint) for apply')
    .option('--detailed-exitcode', 'exit 3 when the plan has changes'))
    .action(async (paths: string[], options) => {
      const { planCommand } = await import('./gateway-commands.js');
      exitCode = await planCommand(paths, options, io);
    });

  targetOptions(program.command('apply')
    .description('apply a plan (made now from configs, or a saved plan.json that is still fresh) to the target')
    .argument('[configs-or-plan...]', 'gateway configs, or one saved plan.json')
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .option('--no-delete', 'create and update only'))
    .action(async (paths: string[], options) => {
      const { applyCommand } = await import('./gateway-commands.js');
      exitCode = await applyCommand(paths, options, io);
    });

  targetOptions(program.command('drift')
    .description('compare the live gateway with the config; exit 3 when they differ')
    .argument('[configs...]', 'gateway configs; default: `files` of .gwctl.yaml'))
    .action(async (paths: string[], options) => {
      const { driftCommand } = await import('./gateway-commands.js');
      exitCode = await driftCommand(paths, options, io);
    });

  program.command('init')
    .description('write a starter .gwctl.yaml, spec and gateway config here (never overwrites)')
    .option('--verbose', 'stack traces on errors')
    .action(async () => {
      const { initCommand } = await import('./init.js');
      exitCode = initCommand(io);
    });

  const baseline = program.command('baseline').description('accepted findings that do not fail the run (with reason, owner and expiry)');
  for (const action of ['create', 'update'] as const) {
    baseline.command(action)
      .description(action === 'create' ? 'write a new baseline from the current findings' : 'refresh the baseline: keep reasons, owners and expiry of entries that still match, drop stale ones, add new ones')
      .argument('[paths...]', 'what to lint; default: `files` of .gwctl.yaml, else the current folder')
      .option('--baseline <file>', 'the baseline file (default: `baseline:` of .gwctl.yaml, else .gwctl-baseline.yaml)')
      .option('-r, --ruleset <file>', 'a Spectral-format ruleset')
      .option('--force', 'create: replace an existing baseline')
      .option('--verbose', 'stack traces on errors')
      .action(async (paths: string[], options) => {
        const { baselineCommand } = await import('./lint.js');
        exitCode = await baselineCommand(action, paths, options, io);
      });
  }

  const rules = program.command('rules').description('the built-in rules and their docs');
  rules.command('list', { isDefault: true })
    .description('list every built-in rule with its severity in gwctl:recommended')
    .addOption(new Option('--format <name>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (options: { format: string }) => {
      const { rulesList } = await import('./rules.js');
      exitCode = rulesList(options, io);
    });
  rules.command('explain')
    .description("print a rule's docs: what it checks, why, how to fix")
    .argument('<id>', 'rule id, e.g. oas-auth-required')
    .action(async (id: string) => {
      const { rulesExplain } = await import('./rules.js');
      exitCode = rulesExplain(id, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return renderError(error, verbose, io);
  }
}

export interface CliIo {
  /** answers a yes/no question on a terminal (apply's confirmation) */
  confirm?(question: string): Promise<boolean>;
  stdinIsTTY?: boolean;
  /** progress lines go to stderr only when it is a terminal */
  stderrIsTTY?: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** The one place errors become text: one paragraph, no stack trace unless --verbose. */
function renderError(error: unknown, verbose: boolean, io: CliIo): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or help/version, which exit 0).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof GwctlError) {
    io.stderr(`gwctl: ${error.message}\n`);
    if (verbose) io.stderr(`${error.stack}\n${error.cause instanceof Error ? `caused by: ${error.cause.stack}\n` : ''}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`gwctl: unexpected error: ${message}. This is a gwctl bug; run again with --verbose and report the output.\n`);
  if (verbose && error instanceof Error) io.stderr(`${error.stack}\n`);
  return 2;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a whole number above 0.');
  return Number(value);
}

function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}
