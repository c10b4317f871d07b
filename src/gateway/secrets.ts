import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import { SECRET_MASK } from '../model/plan.js';

/**
 * `${env:NAME}` and `${file:PATH}` references, resolved only here and only when a driver renders
 * the config for plan/apply (lint never needs the values). `${file:…}` paths are relative to the
 * file that holds the reference and must stay inside the project root. Every resolved value is
 * remembered so anything gwctl prints can be scrubbed of it.
 */

const REFERENCE = /^\$\{(env|file):([^}]+)\}$/;

export interface SecretContext {
  env: NodeJS.ProcessEnv;
  /** the project root; `${file:}` may not leave it */
  root: string;
  /** shows a file path the way messages do (relative to cwd) */
  display?: (file: string) => string;
}

export class SecretResolver {
  private readonly known = new Set<string>();
  private readonly cache = new Map<string, string>();

  constructor(private readonly context: SecretContext) {}

  static isReference(value: unknown): value is string {
    return typeof value === 'string' && REFERENCE.test(value);
  }

  /**
   * The value of a secret field. A literal (which lint's secrets-not-inline reports) is used as
   * written, and still treated as a secret from here on.
   * @param file the file the reference is written in (`${file:}` is relative to it)
   * @param where a pointer or description for messages, never the value
   */
  resolve(value: string, file: string, where: string): string {
    const match = REFERENCE.exec(value);
    if (!match) {
      this.remember(value);
      return value;
    }
    const cacheKey = `${match[1]}\0${match[1] === 'file' ? path.resolve(path.dirname(file), match[2]!) : match[2]}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const shown = this.display(file);
    let resolved: string;
    if (match[1] === 'env') {
      const name = match[2]!;
      const env = this.context.env[name];
      if (env === undefined || env === '') {
        throw new UsageError(`the secret ${value} (${shown} ${where}) is not set: export ${name} before running plan/apply.`);
      }
      resolved = env;
    } else {
      resolved = this.readSecretFile(match[2]!, file, value, `${shown} ${where}`);
    }
    this.remember(resolved);
    this.cache.set(cacheKey, resolved);
    return resolved;
  }

  /** The admin token of a target: `${env:…}`/`${file:…}` relative to the project config. */
  resolveToken(value: string, file: string): string {
    return this.resolve(value, file, 'target token');
  }

  /** Registers a value that must never be printed (derived secrets like password hashes). */
  remember(value: string): void {
    if (value.length >= 3) this.known.add(value);
  }

  /** The text with every known secret value replaced by `(secret)`. */
  redact(text: string): string {
    if (this.known.size === 0) return text;
    if (!this.pattern || this.patternSize !== this.known.size) {
      // One pass over the text for all secrets (plans of large configs are megabytes long);
      // longest first, so a secret that contains another is replaced whole.
      const alternatives = [...this.known].sort((a, b) => b.length - a.length).map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.pattern = new RegExp(alternatives.join('|'), 'g');
      this.patternSize = this.known.size;
    }
    return text.replace(this.pattern, SECRET_MASK);
  }

  private pattern: RegExp | undefined;
  private patternSize = 0;

  private readSecretFile(written: string, file: string, reference: string, where: string): string {
    const absolute = path.resolve(path.dirname(file), written);
    let real: string;
    let root: string;
    try {
      root = realpathSync(this.context.root);
      real = realpathSync(absolute);
    } catch (error) {
      throw new UsageError(`the secret ${reference} (${where}) cannot be read (${(error as NodeJS.ErrnoException).code ?? error}); the path is relative to the file that names it.`, { cause: error });
    }
    if (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
      throw new UsageError(`the secret ${reference} (${where}) is outside the project root ${root}; keep secret files inside the project (and out of git).`);
    }
    let text: string;
    try {
      text = readFileSync(real, 'utf8');
    } catch (error) {
      throw new UsageError(`the secret ${reference} (${where}) cannot be read (${(error as NodeJS.ErrnoException).code ?? error}).`, { cause: error });
    }
    // Files written by `echo` or editors end with a newline that is not part of the secret.
    const value = text.replace(/\r?\n$/, '');
    if (value === '') throw new UsageError(`the secret ${reference} (${where}) is an empty file.`);
    return value;
  }

  private display(file: string): string {
    return this.context.display ? this.context.display(file) : file;
  }
}
