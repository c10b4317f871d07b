import { getHeapStatistics } from 'node:v8';
import type { CST, Document, LineCounter, Node as YamlNode } from 'yaml';
import { yaml } from './yaml-lazy.js';
import type { Range } from '../model/finding.js';
import { fromPointer, toPointer, type DocumentKind, type SourceFile } from '../model/document.js';
import { LoadError } from '../model/errors.js';
import { locateJson } from './json-positions.js';
import { findDuplicateJsonKey } from './json-duplicates.js';
import { LineIndex } from './lines.js';
import { detectKind } from './detect.js';
import { checkNesting, cstTooDeep } from './nesting.js';
import type { Deadline } from './deadline.js';

export interface ParseLimits {
  /** how many alias dereferences a YAML document may make (billion-laughs guard) */
  maxAliases: number;
  /** how deeply mappings and lists may nest (the top level is 1) */
  maxDepth: number;
  /**
   * how many YAML tokens a file may have; default: what fits in node's heap (see
   * `defaultYamlTokenBudget`)
   */
  maxYamlTokens?: number;
  /** how many objects and lists a JSON file may have; default: what fits in node's heap */
  maxJsonContainers?: number;
  /** the run's time budget, checked while a long YAML file is parsed */
  deadline?: Deadline;
}

/**
 * Parsing YAML with the `yaml` package costs up to ~570 bytes of memory per token at its peak
 * (a 2 MB flow list `[1,1,1,…]` needs 1.2 GB; a 20 MB spec with 17,000 paths, 1.4 GB), so a
 * 10 MB file well under --max-file-size could exhaust the heap and crash node. The budget
 * follows node's heap limit (800 bytes a token), so NODE_OPTIONS=--max-old-space-size raises it.
 */
export function defaultYamlTokenBudget(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 800);
}

/**
 * `JSON.parse` is lean, but a 60 MB flood of empty objects (`[{},{},…]`, 20 million of them)
 * still peaks at 3 GB: ~150 bytes each. The budget allows 200 bytes each of node's heap.
 */
export function defaultJsonContainerBudget(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 200);
}

/**
 * 500 levels: real specs and configs stay under 50, and the `yaml` composer (which recurses per
 * level) needs the stack of roughly 750 levels before it gives up on its own.
 */
export const DEFAULT_MAX_DEPTH = 500;
export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxAliases: 1000, maxDepth: DEFAULT_MAX_DEPTH };

const FIX_SYNTAX = 'Fix the syntax at that line (check indentation, quotes and colons) and run gwctl again.';

/**
 * Parses one file's text. JSON goes through `JSON.parse` (the fastest parser there is) with
 * positions found later, only for pointers that have findings; YAML goes through the `yaml`
 * package, which keeps node ranges. `displayPath` names the file in errors, and every failure
 * is a `LoadError` naming it (or the deadline's error when the run is out of time).
 */
export function parseSource(path: string, displayPath: string, rawText: string, limits: Partial<ParseLimits> = DEFAULT_PARSE_LIMITS): SourceFile {
  const full: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...limits };
  // A BOM is invisible to users and fatal to JSON.parse.
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (text.trim() === '') throw new LoadError(displayPath, undefined, undefined, 'the file is empty; give it an OpenAPI document or a gwctl/v1 config, or leave it out of the paths to lint.');
  try {
    const first = text.trimStart()[0];
    if (first === '{' || first === '[') {
      checkJsonContainers(text, displayPath, full);
      let data: unknown;
      let parsed = false;
      try {
        data = JSON.parse(text);
        parsed = true;
      } catch (error) {
        // Not strict JSON: YAML is a superset and reports the position better.
        if (!(error instanceof SyntaxError)) throw error;
      }
      if (parsed) return jsonSource(path, displayPath, text, data, full);
    }
    return yamlSource(path, displayPath, text, full);
  } catch (error) {
    if (error instanceof RangeError) {
      // A stack overflow in a parser: only nesting the depth check did not catch (a raised --max-depth).
      throw new LoadError(displayPath, undefined, undefined, `is nested too deeply to parse (the parser ran out of stack); flatten it, or lower --max-depth (now ${full.maxDepth}) so gwctl refuses it up front.`, { cause: error });
    }
    throw error;
  }
}

function jsonSource(path: string, displayPath: string, text: string, data: unknown, limits: ParseLimits): SourceFile {
  let lines: LineIndex | undefined;
  const source: SourceFile = {
    path, text, data, syntax: 'json', kind: detectKind(data),
    locate(pointers) {
      lines ??= new LineIndex(text);
      return locateJson(text, pointers, lines);
    },
  };
  checkDataNesting(source, displayPath, limits);
  // JSON.parse keeps the last of two equal keys; a gateway may keep the first. Refuse the ambiguity.
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate) {
    const at = new LineIndex(text).position(duplicate.offset);
    throw new LoadError(displayPath, at.line, at.column, `the key ${JSON.stringify(duplicate.key)} appears twice in the same object; JSON parsers disagree on which one wins, so remove or rename one of them.`);
  }
  return source;
}

function yamlSource(path: string, displayPath: string, text: string, limits: ParseLimits): SourceFile {
  checkYamlTokens(text, displayPath, limits);
  const lineCounter = new (yaml().LineCounter)();
  const doc = composeYaml(text, displayPath, lineCounter, limits);
  limits.deadline?.check();
  const problem = doc.errors[0];
  if (problem) {
    const pos = lineCounter.linePos(problem.pos[0]);
    if (problem.code === 'RESOURCE_EXHAUSTION') {
      throw new LoadError(displayPath, pos.line, pos.col, `is nested too deeply for the YAML parser (it ran out of stack); flatten it, or lower --max-depth (now ${limits.maxDepth}) so gwctl refuses it up front.`);
    }
    throw new LoadError(displayPath, pos.line, pos.col, `${yamlProblem(problem.code, problem.message)} ${FIX_SYNTAX}`);
  }
  const duplicate = findDuplicateYamlKey(doc);
  if (duplicate) {
    const pos = lineCounter.linePos(duplicate.offset);
    throw new LoadError(displayPath, pos.line, pos.col, `Map keys must be unique; ${JSON.stringify(duplicate.key)} appears twice in the same mapping; YAML parsers disagree on which one wins, so remove or rename one of them.`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch (error) {
    if (error instanceof RangeError) throw error;
    if (error instanceof ReferenceError && /alias/i.test(error.message) && /excessive/i.test(error.message)) {
      throw new LoadError(displayPath, undefined, undefined, `the YAML expands too many aliases (more than ${limits.maxAliases}); this looks like an alias bomb. Remove the repeated aliases or write the values out, or raise --max-aliases if the file is trusted.`, { cause: error });
    }
    // e.g. a merge key (`<<`) whose value is not a mapping, or an alias to nothing
    throw new LoadError(displayPath, undefined, undefined, `cannot be turned into data: ${(error as Error).message}. Fix the anchors, aliases and merge keys (<<) it uses.`, { cause: error });
  }
  const kind: DocumentKind | undefined = detectKind(data);
  const source: SourceFile = {
    path, text, data, syntax: 'yaml', kind,
    locate: (pointers) => locateYaml(doc, lineCounter, pointers),
  };
  checkDataNesting(source, displayPath, limits);
  return source;
}

/**
 * What `yaml.parseDocument` does, with three changes: the concrete syntax tree's depth is checked
 * before the (recursive) composer sees it, the deadline is checked while lines are read, and
 * duplicate keys are found afterwards in one pass (the composer's `uniqueKeys` check compares each
 * key with all before it: minutes on a spec with 20,000 paths).
 */
function composeYaml(text: string, displayPath: string, lineCounter: LineCounter, limits: ParseLimits): Document.Parsed {
  const deadline = limits.deadline;
  let lines = 0;
  const onNewLine = (offset: number): void => {
    lineCounter.addNewLine(offset);
    if (deadline && (++lines & 0x3fff) === 0) deadline.check();
  };
  const parser = new (yaml().Parser)(onNewLine);
  const composer = new (yaml().Composer)({ uniqueKeys: false, prettyErrors: false, strict: true, merge: true, logLevel: 'error' });
  function* checked(tokens: Iterable<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      const offset = cstTooDeep(token, limits.maxDepth);
      if (offset !== undefined) {
        const pos = lineCounter.linePos(offset);
        throw tooDeep(displayPath, pos.line, pos.col, limits.maxDepth);
      }
      yield token;
    }
  }
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(checked(parser.parse(text)), true, text.length)) {
    if (!doc) {
      doc = next;
    } else {
      const pos = lineCounter.linePos(next.range[0]);
      throw new LoadError(displayPath, pos.line, pos.col, 'holds more than one YAML document (a second `---`); put each spec or config in its own file.');
    }
  }
  return doc!;
}

/** Counts `{` and `[` outside strings before `JSON.parse`, which cannot be stopped once started. */
function checkJsonContainers(text: string, displayPath: string, limits: ParseLimits): void {
  const budget = limits.maxJsonContainers ?? defaultJsonContainerBudget();
  if (text.length <= budget * 2) return; // every container takes at least two bytes: {}
  let containers = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if ((c === 123 /* { */ || c === 91 /* [ */) && ++containers > budget) {
      throw new LoadError(displayPath, undefined, undefined, `has more than ${budget.toLocaleString('en-US')} objects and lists, the most that fit in node's ${heapGigabytes()} GB heap at ~200 bytes each; split the file, or give node more memory with NODE_OPTIONS=--max-old-space-size=<MB>.`);
    }
  }
}

function heapGigabytes(): string {
  return (getHeapStatistics().heap_size_limit / 1e9).toFixed(1);
}

/**
 * Counts tokens with the streaming lexer (which keeps nothing) before the parser builds trees
 * that cost hundreds of bytes per token. Skipped for files too small to reach the budget: a
 * token takes at least half a byte of text.
 */
function checkYamlTokens(text: string, displayPath: string, limits: ParseLimits): void {
  const budget = limits.maxYamlTokens ?? defaultYamlTokenBudget();
  if (text.length * 2 <= budget) return;
  let tokens = 0;
  for (const _ of new (yaml().Lexer)().lex(text)) {
    if (++tokens > budget) {
      throw new LoadError(displayPath, undefined, undefined, `is too big to parse as YAML in the memory node has (more than ${budget.toLocaleString('en-US')} YAML tokens, the most that fit in node's ${heapGigabytes()} GB heap at ~800 bytes each). Convert it to JSON, which needs a fraction of the memory, or give node more with NODE_OPTIONS=--max-old-space-size=<MB>.`);
    }
    if ((tokens & 0xffff) === 0) limits.deadline?.check();
  }
}

function tooDeep(displayPath: string, line: number | undefined, column: number | undefined, maxDepth: number): LoadError {
  return new LoadError(displayPath, line, column, `is nested deeper than ${maxDepth} levels; no real spec or config nests this deeply, so this looks like a hostile file. Flatten it, or raise --max-depth if the file is trusted.`);
}

/** The depth check on parsed data (exact, and the only one that sees through YAML aliases). */
function checkDataNesting(source: SourceFile, displayPath: string, limits: ParseLimits): void {
  const problem = checkNesting(source.data, limits.maxDepth);
  if (!problem) return;
  const pointer = toPointer(problem.path);
  const at = source.locate([pointer]).get(pointer);
  if (problem.kind === 'depth') throw tooDeep(displayPath, at?.line, at?.column, limits.maxDepth);
  throw new LoadError(displayPath, at?.line, at?.column, 'has a YAML alias inside the node it refers to (a cycle), which JSON data cannot hold; replace the alias with the values it should repeat.');
}

/** The first key written twice in one mapping, as the key JavaScript data would get. */
function findDuplicateYamlKey(doc: Document.Parsed): { key: string; offset: number } | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (yaml().isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (yaml().isScalar(key) && key.value !== '<<' && typeof key.value !== 'symbol') {
          const name = key.value === null ? '' : String(key.value);
          if (seen.has(name)) return { key: name, offset: key.range?.[0] ?? 0 };
          seen.add(name);
        } else if (key !== null && typeof key === 'object') {
          stack.push(key);
        }
        stack.push(pair.value);
      }
    } else if (yaml().isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return undefined;
}

function yamlProblem(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT' || /tab/i.test(first)) return `${first} (YAML indentation must use spaces, not tabs).`;
  return first.endsWith('.') ? first : `${first}.`;
}

function locateYaml(doc: Document, lineCounter: LineCounter, pointers: readonly string[]): Map<string, Range> {
  const out = new Map<string, Range>();
  const toRange = (start: number, end: number): Range => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(end);
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  for (const pointer of pointers) {
    let node: unknown = doc.contents;
    let span: [number, number] = rangeOf(node) ?? [0, 0];
    for (const seg of fromPointer(pointer)) {
      node = resolveAlias(node, doc);
      let next: { node: unknown; span?: [number, number] } | undefined;
      if (yaml().isMap(node)) {
        const pair = node.items.find((p) => yaml().isPair(p) && String(yaml().isScalar(p.key) ? p.key.value : p.key) === seg);
        if (pair) {
          const keyRange = rangeOf(pair.key);
          const valueRange = rangeOf(pair.value);
          next = { node: pair.value, span: keyRange ? [keyRange[0], valueRange?.[1] ?? keyRange[1]] : valueRange };
        }
      } else if (yaml().isSeq(node) && /^\d+$/.test(seg)) {
        const item = node.items[Number(seg)];
        if (item !== undefined) next = { node: item, span: rangeOf(item) };
      }
      if (!next?.span) break;
      node = next.node;
      span = next.span;
    }
    out.set(pointer, toRange(span[0], span[1]));
  }
  return out;
}

function resolveAlias(node: unknown, doc: Document): unknown {
  return yaml().isAlias(node) ? node.resolve(doc) : node;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const range = (node as YamlNode | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}
