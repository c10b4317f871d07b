import type { DocumentKind } from '../model/document.js';

/** The kind of a document, from its content alone. */
export function detectKind(data: unknown): DocumentKind | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const doc = data as Record<string, unknown>;
  if (doc.swagger === '2.0' || doc.swagger === 2) return 'oas2';
  if (typeof doc.openapi === 'string') {
    if (/^3\.0(\.\d+)?$/.test(doc.openapi)) return 'oas3_0';
    if (/^3\.1(\.\d+)?$/.test(doc.openapi)) return 'oas3_1';
    return undefined;
  }
  if (doc.format === 'gwctl/v1') return 'gwctl-v1';
  if (typeof doc._format_version === 'string') return 'deck';
  return undefined;
}

export const OPENAPI_KINDS: readonly DocumentKind[] = ['oas2', 'oas3_0', 'oas3_1'];

export function isOpenApi(kind: DocumentKind | undefined): boolean {
  return kind === 'oas2' || kind === 'oas3_0' || kind === 'oas3_1';
}
