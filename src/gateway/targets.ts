import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProjectConfig, TargetConfig } from '../config/project.js';
import { UsageError } from '../model/errors.js';
import { SecretResolver } from './secrets.js';

/**
 * `--target NAME` (a target in `.gwctl.yaml`) or `--target DRIVER+URL` (e.g.
 * `caddy+http://127.0.0.1:2019?listen=127.0.0.1:8443&tls=internal`; query parameters are driver
 * options). The admin token comes from the target's `token: ${env:…}`/`${file:…}`, else
 * GWCTL_ADMIN_TOKEN; never from a flag.
 */

export const DRIVERS = ['caddy'] as const;
export const KNOWN_DRIVERS = ['caddy', 'kong', 'apisix', 'haproxy'];

export interface ResolvedTarget {
  driver: string;
  /** admin API base URL, no credentials, no trailing slash */
  url: string;
  /** the `.gwctl.yaml` name */
  name?: string;
  /** driver options (listen, tls, server, …), as written */
  options: Record<string, unknown>;
  /** the file relative options (cert paths) are resolved against; undefined = cwd */
  baseDir: string;
  token?: string;
  ca?: string;
}

export interface TargetContext {
  cwd: string;
  project?: ProjectConfig;
  env: NodeJS.ProcessEnv;
  secrets: SecretResolver;
}

export function resolveTarget(flag: string | undefined, context: TargetContext, caFile?: string): ResolvedTarget {
  const target = flag === undefined ? defaultTarget(context) : flag.includes('://') ? direct(flag, context) : named(flag, context);
  if (!(DRIVERS as readonly string[]).includes(target.driver)) {
    const known = KNOWN_DRIVERS.includes(target.driver);
    throw new UsageError(known
      ? `the ${target.driver} driver is not built yet; gwctl plan/apply/drift support ${DRIVERS.join(', ')} for now.`
      : `unknown driver '${target.driver}' in --target; use one of ${DRIVERS.join(', ')} (e.g. --target caddy+http://127.0.0.1:2019).`);
  }
  if (caFile) {
    try {
      target.ca = readFileSync(path.resolve(context.cwd, caFile), 'utf8');
    } catch (error) {
      throw new UsageError(`--ca ${caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? error}).`, { cause: error });
    }
  }
  return target;
}

function defaultTarget(context: TargetContext): ResolvedTarget {
  const names = Object.keys(context.project?.targets ?? {});
  if (names.length === 1) return named(names[0]!, context);
  throw new UsageError(names.length === 0
    ? 'no target: pass --target caddy+http://HOST:PORT, or name one of the `targets` of .gwctl.yaml.'
    : `several targets in .gwctl.yaml (${names.join(', ')}); choose one with --target NAME.`);
}

function direct(flag: string, context: TargetContext): ResolvedTarget {
  const match = /^([a-z]+)\+(https?:\/\/.+)$/i.exec(flag);
  if (!match) {
    throw new UsageError(`--target ${flag}: write DRIVER+URL, e.g. caddy+http://127.0.0.1:2019, or the name of a target in .gwctl.yaml.`);
  }
  const url = parseAdminUrl(match[2]!, `--target ${flag}`);
  const options: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) options[key] = value;
  url.search = '';
  const target: ResolvedTarget = { driver: match[1]!.toLowerCase(), url: url.toString().replace(/\/+$/, ''), options, baseDir: context.cwd };
  const token = context.env.GWCTL_ADMIN_TOKEN;
  if (token) {
    target.token = token;
    context.secrets.remember(token);
  }
  return target;
}

function named(name: string, context: TargetContext): ResolvedTarget {
  const targets = context.project?.targets ?? {};
  const config = Object.hasOwn(targets, name) ? targets[name] : undefined;
  if (!config) {
    const names = Object.keys(targets);
    throw new UsageError(`--target ${name}: ${context.project ? `.gwctl.yaml has no target '${name}'${names.length ? ` (it has ${names.join(', ')})` : ''}` : 'no .gwctl.yaml found'}; name a target there, or write DRIVER+URL, e.g. caddy+http://127.0.0.1:2019.`);
  }
  const where = `target '${name}' in ${path.relative(context.cwd, context.project!.file) || context.project!.file}`;
  if (!isObject(config) || typeof config.driver !== 'string' || typeof config.url !== 'string') {
    throw new UsageError(`${where} needs \`driver\` (e.g. caddy) and \`url\` (the admin API).`);
  }
  const { driver, url, token, ...options } = config as TargetConfig;
  const parsed = parseAdminUrl(url, where);
  const target: ResolvedTarget = {
    driver, url: parsed.toString().replace(/\/+$/, ''), name, options, baseDir: path.dirname(context.project!.file),
  };
  if (token !== undefined) {
    if (typeof token !== 'string' || !SecretResolver.isReference(token)) {
      throw new UsageError(`${where}: \`token\` must be a \${env:NAME} or \${file:PATH} reference, never the token itself (keep it out of the project config).`);
    }
    target.token = context.secrets.resolveToken(token, context.project!.file);
  } else if (context.env.GWCTL_ADMIN_TOKEN) {
    target.token = context.env.GWCTL_ADMIN_TOKEN;
    context.secrets.remember(target.token);
  }
  return target;
}

function parseAdminUrl(text: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${where}: '${text.replace(/\/\/[^@/]*@/, '//…@')}' is not a URL; write e.g. http://127.0.0.1:2019.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${where}: the admin API URL must be http:// or https://.`);
  if (url.username || url.password) {
    throw new UsageError(`${where}: the admin API URL carries credentials; give the token with the target's \`token: \${env:NAME}\` or GWCTL_ADMIN_TOKEN instead.`);
  }
  url.hash = '';
  return url;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
