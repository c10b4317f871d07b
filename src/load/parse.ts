import { LineCounter, parseDocument, isAlias, isMap, isSeq, isPair, isScalar, type Document, type Node as YamlNode } from 'yaml';
import type { Range } from '../model/finding.js';
import { fromPointer, type DocumentKind, type SourceFile } from '../model/document.js';
import { LoadError } from '../model/errors.js';
import { locateJson } from './json-positions.js';
import { LineIndex } from './lines.js';
import { detectKind } from './detect.js';

export interface ParseLimits {
  /** how many alias dereferences a YAML document may make (billion-laughs guard) */
  maxAliases: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxAliases: 1000 };

/**
 * Parses one file's text. JSON goes through `JSON.parse` (the fastest parser there is) with
 * positions found later, only for pointers that have findings; YAML goes through the `yaml`
 * package, which keeps node ranges. `displayPath` names the file in errors.
 */
export function parseSource(path: string, displayPath: string, rawText: string, limits = DEFAULT_PARSE_LIMITS): SourceFile {
  // A BOM is invisible to users and fatal to JSON.parse.
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (text.trim() === '') throw new LoadError(displayPath, undefined, undefined, 'the file is empty; give it an OpenAPI document or a gwctl/v1 config, or leave it out of the paths to lint.');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return jsonSource(path, text, JSON.parse(text));
    } catch (error) {
      // Not strict JSON: YAML is a superset and reports the position better.
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return yamlSource(path, displayPath, text, limits);
}

function jsonSource(path: string, text: string, data: unknown): SourceFile {
  let lines: LineIndex | undefined;
  return {
    path, text, data, syntax: 'json', kind: detectKind(data),
    locate(pointers) {
      lines ??= new LineIndex(text);
      return locateJson(text, pointers, lines);
    },
  };
}

function yamlSource(path: string, displayPath: string, text: string, limits: ParseLimits): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, merge: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = lineCounter.linePos(problem.pos[0]);
    throw new LoadError(displayPath, pos.line, pos.col, `${yamlProblem(problem.code, problem.message)} Fix the syntax at that line (check indentation, quotes and colons) and run gwctl again.`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch (error) {
    throw new LoadError(displayPath, undefined, undefined, `the YAML expands too many aliases (more than ${limits.maxAliases}); this looks like an alias bomb. Remove the repeated aliases or write the values out.`, { cause: error });
  }
  const kind: DocumentKind | undefined = detectKind(data);
  return {
    path, text, data, syntax: 'yaml', kind,
    locate: (pointers) => locateYaml(doc, lineCounter, pointers),
  };
}

function yamlProblem(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return `${first} (a key appears twice in the same mapping).`;
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
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === seg);
        if (pair) {
          const keyRange = rangeOf(pair.key);
          const valueRange = rangeOf(pair.value);
          next = { node: pair.value, span: keyRange ? [keyRange[0], valueRange?.[1] ?? keyRange[1]] : valueRange };
        }
      } else if (isSeq(node) && /^\d+$/.test(seg)) {
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
  return isAlias(node) ? node.resolve(doc) : node;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const range = (node as YamlNode | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}
