import path from 'node:path';
import type { JsonPath, Origin, SourceFile } from '../model/document.js';
import { fromPointer } from '../model/document.js';
import { LoadError } from '../model/errors.js';
import { parseSource, type ParseLimits, DEFAULT_PARSE_LIMITS } from './parse.js';
import { workingTree, type FileSource } from './file-source.js';
import type { Deadline } from './deadline.js';
import { firstInvalidUtf8 } from './utf8.js';
import { isInside } from './files.js';

export interface WorkspaceOptions {
  /** the folder paths are shown relative to */
  cwd: string;
  /** no local `$ref` may leave this folder (the git root, else the current folder) */
  root: string;
  /** hosts remote `$ref`s may be fetched from; empty = none, and no network request at all */
  allowRemoteRefs: readonly string[];
  /** the largest file gwctl reads, in bytes */
  maxFileBytes: number;
  parse: ParseLimits;
  /** where contents come from: the working tree, or a git revision for --since */
  source: FileSource;
  /** the run's time budget (--timeout), checked before each file and while YAML is parsed */
  deadline?: Deadline;
}

/** 64 MB, in the unit of --max-file-size (1 MB = 10^6 bytes) so messages and flag agree */
export const DEFAULT_MAX_FILE_BYTES = 64e6;

/**
 * Every file of a run, parsed once, and the `$ref`s between them. The only place that reads
 * files (besides rulesets and baselines, which have their own small readers).
 */
export class Workspace {
  readonly files = new Map<string, SourceFile>();
  /** which file each `{$ref}` object lives in, so `deref` can resolve relative refs */
  private readonly refOwner = new WeakMap<object, string>();
  /** every `$ref` string of each file, to report those that resolve to nothing */
  private readonly refsByFile = new Map<string, string[]>();
  /** external ref targets that do not exist (reported as findings, not fatal) */
  private readonly missingFiles = new Set<string>();
  private readonly options: WorkspaceOptions;

  constructor(options: Partial<WorkspaceOptions> & { cwd: string; root: string }) {
    this.options = { allowRemoteRefs: [], maxFileBytes: DEFAULT_MAX_FILE_BYTES, parse: DEFAULT_PARSE_LIMITS, source: workingTree, ...options };
  }

  display(file: string): string {
    return displayPath(this.options.cwd, file);
  }

  /** Loads a file and, transitively, every file its `$ref`s point to. */
  async load(file: string, fetched?: Buffer): Promise<SourceFile> {
    const absolute = fetched ? file : path.resolve(this.options.cwd, file);
    const known = this.files.get(absolute);
    if (known) return known;
    this.options.deadline?.check(`reading ${this.display(absolute)}`);
    const source = fetched ? this.parse(absolute, absolute, fetched) : await this.read(absolute);
    this.files.set(absolute, source);
    const refs = this.collectRefs(source);
    this.refsByFile.set(absolute, refs);
    for (const ref of refs) if (!ref.startsWith('#')) await this.loadRefTarget(source, ref);
    return source;
  }

  private async read(absolute: string): Promise<SourceFile> {
    const shown = this.display(absolute);
    const size = this.options.source.size(absolute);
    if (size === undefined) {
      throw new LoadError(shown, undefined, undefined, 'cannot be read (it does not exist or is not a regular file); check the path.');
    }
    if (size > this.options.maxFileBytes) throw this.tooLarge(shown, size);
    const bytes = this.options.source.read(absolute);
    if (!bytes) throw new LoadError(shown, undefined, undefined, 'cannot be read; check the path and its permissions.');
    // It may have grown between the size check and the read.
    if (bytes.length > this.options.maxFileBytes) throw this.tooLarge(shown, bytes.length);
    return this.parse(absolute, shown, bytes);
  }

  private tooLarge(shown: string, size: number): LoadError {
    return new LoadError(shown, undefined, undefined, `is ${megabytes(size)}, over the ${megabytes(this.options.maxFileBytes)} limit; raise it with --max-file-size if the file is really a spec.`);
  }

  /** The project root: nothing outside it is read through a reference. */
  get root(): string {
    return this.options.root;
  }

  isInsideRoot(absolute: string): boolean {
    return isInside(this.options.root, absolute);
  }

  /** The root with its own symbolic links resolved (/tmp may be a link), to compare real paths with. */
  private get realRoot(): string {
    return (this.realRootCache ??= this.options.source.realpath?.(this.options.root) ?? this.options.root);
  }

  private realRootCache: string | undefined;

  /** Whether a file exists in this workspace's file source (the work tree, or a git revision). */
  exists(file: string): boolean {
    if (isRemote(file)) return true; // known only by fetching it
    return this.options.source.size(path.resolve(this.options.cwd, file)) !== undefined;
  }

  private parse(absolute: string, shown: string, bytes: Buffer): SourceFile {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (error) {
      const at = firstInvalidUtf8(bytes);
      const where = at ? ` (byte 0x${at.byte.toString(16).toUpperCase().padStart(2, '0')} at offset ${at.offset})` : '';
      throw new LoadError(shown, at?.line, undefined, `is not valid UTF-8 text${where}: is it binary, or saved in another encoding such as Latin-1? Save it as UTF-8, or leave it out of the paths to lint.`, { cause: error });
    }
    if (text.includes('\u0000')) throw new LoadError(shown, undefined, undefined, 'contains NUL bytes, so it is binary, not YAML or JSON; leave it out of the paths to lint.');
    this.options.deadline?.check(`parsing ${shown}`);
    return parseSource(absolute, shown, text, { ...this.options.parse, deadline: this.options.deadline });
  }

  /** Every `$ref` string in a file (targets of internal `#/…` refs are followed lazily). */
  private collectRefs(source: SourceFile): string[] {
    const refs: string[] = [];
    const stack: unknown[] = [source.data];
    while (stack.length > 0) {
      const node = stack.pop();
      if (node === null || typeof node !== 'object') continue;
      if (Array.isArray(node)) {
        for (const item of node) if (item !== null && typeof item === 'object') stack.push(item);
        continue;
      }
      const ref = (node as Record<string, unknown>).$ref;
      if (typeof ref === 'string') {
        this.refOwner.set(node, source.path);
        refs.push(ref);
      }
      for (const key in node) {
        const value = (node as Record<string, unknown>)[key];
        if (value !== null && typeof value === 'object') stack.push(value);
      }
    }
    return refs;
  }

  private async loadRefTarget(from: SourceFile, ref: string): Promise<void> {
    const target = this.refTargetFile(from, ref);
    if (!target || this.files.has(target) || this.missingFiles.has(target)) return;
    if (!this.exists(target)) {
      // A dangling $ref is a finding (oas-ref-resolved), not a reason to stop linting everything.
      this.missingFiles.add(target);
      return;
    }
    if (!isRemote(target)) {
      await this.load(target);
      return;
    }
    // A host the user allowed (refTargetFile checked it); a failure is reported at the $ref.
    // undici is loaded only when a remote ref is allowed: every other run stays off the network code.
    const { fetchRemote } = await import('./remote.js');
    let bytes: Buffer;
    try {
      bytes = await fetchRemote(target, this.options.maxFileBytes);
    } catch (error) {
      throw this.refError(from, ref, `${(error as Error).message}`, error);
    }
    await this.load(target, bytes);
  }

  /** The absolute file a `$ref` points to, refusing what leaves the root or the machine. */
  private refTargetFile(from: SourceFile, ref: string): string | undefined {
    const [location] = ref.split('#');
    if (!location) return undefined;
    // A relative ref inside a fetched document is remote too, on that document's host.
    const remote = isRemote(from.path) ? safeUrl(location, from.path) : hasScheme(location) && !/^file:/i.test(location) ? safeUrl(location) : undefined;
    if (remote !== undefined || (hasScheme(location) && !/^file:/i.test(location))) {
      const host = remote && /^https?:$/.test(remote.protocol) ? remote.hostname : '';
      if (!remote || !host || !this.options.allowRemoteRefs.includes(host)) {
        throw this.refError(from, ref, `remote $ref '${ref}' is refused: gwctl makes no network request while linting unless told to. Vendor the file into the project, or allow the host with --allow-remote-refs ${host || 'HOST'}.`);
      }
      remote.hash = '';
      return remote.href;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(location.replace(/^file:\/\//i, ''));
    } catch (error) {
      throw this.refError(from, ref, `$ref '${ref}' is not a valid reference (a % must start an escape such as %20); write the file path as it is, or escape % as %25.`, error);
    }
    const absolute = path.resolve(path.dirname(from.path), relative);
    if (!this.isInsideRoot(absolute)) {
      const root = this.options.root;
      throw this.refError(from, ref, `$ref '${ref}' leaves the project root ${this.display(root) || '.'} and was not read. Keep referenced files inside the project (the git root, else the current folder).`);
    }
    // The path is inside, but a symbolic link on the way may lead out (specs/x.yaml -> /etc/passwd).
    const real = this.options.source.realpath?.(absolute);
    if (real !== undefined && !isInside(this.realRoot, real)) {
      throw this.refError(from, ref, `$ref '${ref}' leads through a symbolic link to ${real}, outside the project root ${this.display(this.options.root) || '.'}, and was not read. Keep referenced files inside the project.`);
    }
    return absolute;
  }

  private refError(from: SourceFile, ref: string, problem: string, cause?: unknown): LoadError {
    const pointer = findRefPointer(from.data, ref);
    const range = pointer === undefined ? undefined : from.locate([pointer]).get(pointer);
    return new LoadError(this.display(from.path), range?.line, range?.column, problem, cause === undefined ? undefined : { cause });
  }

  /**
   * Every `$ref` of `entry` and of every file it reaches, with what it resolves to (undefined:
   * nothing). Each file is visited once, so circular references end.
   */
  private *refsReachableFrom(entry: string): Generator<{ file: string; ref: string; target: (Origin & { node: unknown }) | undefined }> {
    const visited = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (visited.has(file)) continue;
      visited.add(file);
      for (const ref of new Set(this.refsByFile.get(file) ?? [])) {
        const target = this.resolve(file, ref);
        if (target && target.file !== file) queue.push(target.file);
        yield { file, ref, target };
      }
    }
  }

  /**
   * The `$ref`s that point at nothing, in `entry` and every file it reaches, each with the place
   * it is written. Refs that leave the root or the machine never get here: loading refused them.
   */
  unresolvedRefs(entry: string): Array<{ ref: string; at: Origin }> {
    // Asked by oas-ref-resolved and again by the cache; the answer cannot change once loaded.
    const known = this.unresolvedByEntry.get(entry);
    if (known) return known;
    const out: Array<{ ref: string; at: Origin }> = [];
    for (const { file, ref, target } of this.refsReachableFrom(entry)) {
      if (target) continue;
      const source = this.files.get(file);
      for (const pointer of source ? findRefPointers(source.data, ref) : []) out.push({ ref, at: { file, pointer } });
    }
    this.unresolvedByEntry.set(entry, out);
    return out;
  }

  private readonly unresolvedByEntry = new Map<string, Array<{ ref: string; at: Origin }>>();

  /** `entry` and every file it reaches through `$ref`s (what its findings depend on). */
  reachableFiles(entry: string): string[] {
    const files = new Set([entry]);
    for (const { target } of this.refsReachableFrom(entry)) if (target) files.add(target.file);
    return [...files];
  }

  /** The text of a file of this run, parsed or not (reports show excerpts of cached documents too). */
  textOf(file: string): string | undefined {
    return this.files.get(file)?.text ?? this.options.source.read(file)?.toString('utf8');
  }

  /** Follows a `{$ref}` node (and chains of them) to its target; any other node is returned as is. */
  deref = <T>(node: T): T => {
    let current: unknown = node;
    const seen = new Set<unknown>();
    while (isRefNode(current) && !seen.has(current)) {
      seen.add(current);
      const owner = this.refOwner.get(current as object);
      if (!owner) break;
      const target = this.resolve(owner, (current as { $ref: string }).$ref);
      if (!target) break;
      current = target.node;
    }
    return current as T;
  };

  /** The node a `$ref` written in `ownerFile` points to, and where it is. */
  resolve(ownerFile: string, ref: string): (Origin & { node: unknown }) | undefined {
    const hash = ref.indexOf('#');
    const location = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    const file = !location ? ownerFile
      : isRemote(ownerFile) || (hasScheme(location) && !/^file:/i.test(location)) ? remoteKey(location, ownerFile)
      : path.resolve(path.dirname(ownerFile), safeDecode(location.replace(/^file:\/\//i, '')));
    if (file === undefined) return undefined;
    const source = this.files.get(file);
    if (!source) return undefined;
    const decoded = safeDecode(pointer);
    let node: unknown = source.data;
    for (const seg of fromPointer(decoded)) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[seg];
      if (node === undefined) return undefined;
    }
    return { file, pointer: decoded.startsWith('/') || decoded === '' ? decoded : `/${decoded}`, node };
  }

  /**
   * Maps a path in the logical document (as if every `$ref` were resolved) to the file and pointer
   * where that node really is: at each step a `{$ref}` is followed into its target.
   */
  originOf(entry: SourceFile, logicalPath: JsonPath): Origin {
    let file = entry.path;
    let pointer = '';
    let node: unknown = entry.data;
    for (const seg of logicalPath) {
      const seen = new Set<unknown>();
      while (isRefNode(node) && !seen.has(node)) {
        seen.add(node);
        const target = this.resolve(file, (node as { $ref: string }).$ref);
        if (!target) break;
        ({ file, pointer, node } = target);
      }
      if (node === null || typeof node !== 'object') break;
      const next = (node as Record<string, unknown>)[String(seg)];
      if (next === undefined) break;
      pointer += '/' + String(seg).replace(/~/g, '~0').replace(/\//g, '~1');
      node = next;
    }
    return { file, pointer };
  }
}

function megabytes(bytes: number): string {
  return bytes < 1e5 ? `${bytes} bytes` : `${Number((bytes / 1e6).toPrecision(3))} MB`;
}

/** Remote documents are keyed by their URL (without the fragment). */
function isRemote(file: string): boolean {
  return /^https?:\/\//i.test(file);
}

function hasScheme(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(location);
}

function safeUrl(location: string, base?: string): URL | undefined {
  try { return new URL(location, base); } catch { return undefined; }
}

function remoteKey(location: string, base: string): string | undefined {
  const url = safeUrl(location, isRemote(base) ? base : undefined);
  if (!url) return undefined;
  url.hash = '';
  return url.href;
}

function safeDecode(fragment: string): string {
  try { return decodeURIComponent(fragment); } catch { return fragment; }
}

function isRefNode(node: unknown): boolean {
  return node !== null && typeof node === 'object' && typeof (node as { $ref?: unknown }).$ref === 'string';
}

function findRefPointer(data: unknown, ref: string): string | undefined {
  return findRefPointers(data, ref)[0];
}

/** Where a `$ref` string is written. Only called for refs with a problem, so the walk is rare. */
function findRefPointers(data: unknown, ref: string): string[] {
  const found: string[] = [];
  const stack: Array<[unknown, string]> = [[data, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if ((node as { $ref?: unknown }).$ref === ref) found.push(`${pointer}/$ref`);
    for (const key of Object.keys(node)) {
      stack.push([(node as Record<string, unknown>)[key], `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
    }
  }
  return found.sort();
}

export function displayPath(cwd: string, file: string): string {
  if (isRemote(file)) return file;
  const relative = path.relative(cwd, file);
  return (relative === '' ? '.' : relative).split(path.sep).join('/');
}
