import type { Range } from './finding.js';

/** What a file is, detected from its content (never from its name). */
export type DocumentKind = 'oas2' | 'oas3_0' | 'oas3_1' | 'gwctl-v1' | 'deck' | 'adc';

/** Where a node really is: an absolute file path and an RFC 6901 pointer into it. */
export interface Origin {
  file: string;
  pointer: string;
}

/** One parsed file. `data` is plain JSON data; positions are computed on demand. */
export interface SourceFile {
  /** absolute path */
  readonly path: string;
  readonly text: string;
  readonly syntax: 'json' | 'yaml';
  readonly data: unknown;
  /** undefined for files reached only through `$ref` (fragments) */
  readonly kind: DocumentKind | undefined;
  /** Ranges of the nodes at these pointers (the closest existing ancestor when a pointer is missing). */
  locate(pointers: readonly string[]): Map<string, Range>;
}

export type JsonPath = ReadonlyArray<string | number>;

export function toPointer(path: JsonPath): string {
  let out = '';
  for (const seg of path) out += '/' + String(seg).replace(/~/g, '~0').replace(/\//g, '~1');
  return out;
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return body.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
