import { readFileSync } from 'node:fs';
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
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
  if (caFile) target.ca = readCaBundle(path.resolve(context.cwd, caFile), caFile);
  return target;
}

/** `--ca FILE`: a PEM bundle of one or more CA certificates, each of which must parse. */
export function readCaBundle(file: string, shown: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--ca ${shown} cannot be read (${(error as NodeJS.ErrnoException).code ?? error}).`, { cause: error });
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new UsageError(`--ca ${shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA bundle that signed the admin API's certificate.`);
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new UsageError(`--ca ${shown}: certificate #${index + 1} cannot be parsed (${(error as Error).message}).`, { cause: error });
    }
  }
  return text;
}

/** Hosts whose traffic never leaves the machine: localhost, 127.0.0.0/8, ::1 (also IPv4-mapped). */
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return LOOPBACK.check(host, 'ipv4');
  if (net.isIPv6(host)) return LOOPBACK.check(host, 'ipv6');
  return false;
}

/**
 * The warnings a target deserves before any traffic is sent: plain http:// to a host that is not
 * loopback (the config, with its secrets, and the admin token would cross the network in clear
 * text), and a --ca that an http:// URL never uses. Pure, so it is tested without a network.
 */
export function transportWarnings(target: { url: string; token?: string; ca?: string }): string[] {
  const url = new URL(target.url);
  const warnings: string[] = [];
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    warnings.push(`the admin API ${target.url} is plain http:// on a host that is not loopback: the rendered config (API keys, password hashes)${target.token ? ' and the admin token' : ''} cross the network unencrypted. Use https:// (with --ca for a private CA), or reach the admin API through an SSH tunnel or a unix-socket proxy on 127.0.0.1.`);
  }
  if (url.protocol === 'http:' && target.ca) {
    warnings.push(`--ca is ignored: the admin API ${target.url} is plain http://.`);
  }
  return warnings;
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
