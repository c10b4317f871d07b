/** Small, allocation-light URL helpers for server URLs, which may be templates (`{scheme}://…`). */

const ABSOLUTE = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The lower-cased scheme of an absolute `scheme://…` URL; undefined for relative URLs and templates. */
export function schemeOf(url: string): string | undefined {
  return ABSOLUTE.exec(url)?.[1]?.toLowerCase();
}

/** Schemes that carry traffic over TLS. */
const TLS_SCHEMES = new Set(['https', 'wss']);

/** An absolute URL whose scheme is not TLS (http, ws, …). Relative URLs pass: they inherit it. */
export function isPlaintextUrl(url: string): boolean {
  const scheme = schemeOf(url);
  return scheme !== undefined && !TLS_SCHEMES.has(scheme);
}

interface UrlParts {
  /** offset where the authority starts (after `//`), -1 when there is none */
  authorityStart: number;
  /** offset where the authority ends (`/`, `?`, `#` or the end) */
  authorityEnd: number;
  /** offset of `?`, -1 when there is no query */
  queryStart: number;
  /** offset of `#` or the end */
  queryEnd: number;
}

function split(url: string): UrlParts {
  const scheme = ABSOLUTE.exec(url);
  let authorityStart = -1;
  if (scheme) authorityStart = scheme[0].length;
  else if (url.startsWith('//')) authorityStart = 2;
  let authorityEnd = authorityStart;
  if (authorityStart !== -1) {
    while (authorityEnd < url.length && !'/?#'.includes(url[authorityEnd]!)) authorityEnd++;
  }
  const hash = url.indexOf('#');
  const queryEnd = hash === -1 ? url.length : hash;
  const question = url.indexOf('?', Math.max(authorityEnd, 0));
  return { authorityStart, authorityEnd, queryStart: question !== -1 && question < queryEnd ? question : -1, queryEnd };
}

/** `user:pass@` or `user@` before the host. */
export function hasUserinfo(url: string): boolean {
  const { authorityStart, authorityEnd } = split(url);
  return authorityStart !== -1 && url.slice(authorityStart, authorityEnd).includes('@');
}

/** Query parameter names that carry credentials when they appear in a URL. */
const SECRET_PARAM = /^(api[-_]?key|key|token|access[-_]?token|auth[-_]?token|refresh[-_]?token|id[-_]?token|password|passwd|pwd|secret|client[-_]?secret)$/i;

export function isSecretParamName(name: string): boolean {
  return SECRET_PARAM.test(name);
}

/** Names of the query parameters of a URL that look like credentials, in order. */
export function secretQueryParams(url: string): string[] {
  const { queryStart, queryEnd } = split(url);
  if (queryStart === -1) return [];
  const out: string[] = [];
  for (const pair of url.slice(queryStart + 1, queryEnd).split('&')) {
    const eq = pair.indexOf('=');
    let name = eq === -1 ? pair : pair.slice(0, eq);
    try { name = decodeURIComponent(name); } catch { /* keep it raw */ }
    if (isSecretParamName(name)) out.push(name);
  }
  return out;
}

/**
 * A URL safe to print: userinfo becomes `***` and every query value becomes `***`, since a
 * finding's message ends up in CI logs, SARIF uploads and PR comments.
 */
export function maskUrl(url: string): string {
  const { authorityStart, authorityEnd, queryStart, queryEnd } = split(url);
  let out = url;
  if (queryStart !== -1) {
    const query = url.slice(queryStart + 1, queryEnd).split('&')
      .map((pair) => { const eq = pair.indexOf('='); return eq === -1 || eq === pair.length - 1 ? pair : `${pair.slice(0, eq)}=***`; })
      .join('&');
    out = `${url.slice(0, queryStart + 1)}${query}${url.slice(queryEnd)}`;
  }
  if (authorityStart !== -1) {
    const at = url.lastIndexOf('@', authorityEnd - 1);
    if (at >= authorityStart) out = `${out.slice(0, authorityStart)}***${out.slice(at)}`;
  }
  return out;
}

/** The URL with every `{name}` of a server URL template replaced by `value`. */
export function fillVariable(url: string, name: string, value: string): string {
  return url.split(`{${name}}`).join(value);
}
