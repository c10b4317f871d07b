import type { DocumentRule, RuleResult } from '../../model/rule.js';
import { deref, isObject } from '../functions/deref.js';
import { isSwagger2, securitySchemes, servers, variableValues } from '../functions/openapi.js';
import { hasUserinfo, maskUrl, secretQueryParams } from '../functions/url.js';

const USERINFO = "embeds credentials (user info before '@'), which are published with the spec; remove them and declare a security scheme instead.";

function query(params: readonly string[]): string {
  return `carries credentials in its query (${params.map((name) => `'${name}'`).join(', ')}), which are published with the spec and logged with every request; remove them and declare a security scheme instead.`;
}

export const oasNoCredentialsInUrl: DocumentRule = {
  id: 'oas-no-credentials-in-url',
  scope: 'document',
  description: 'No API key is sent in the query string and no server URL embeds credentials.',
  formats: ['oas2', 'oas3_0', 'oas3_1'],
  docs: {
    what: 'Reports every `apiKey` security scheme with `in: query` (in `components.securitySchemes` or Swagger 2.0 `securityDefinitions`, including schemes reached through `$ref`). Also reports credentials written into server addresses: user info (`https://user:pass@host`, `https://user@host`) in OpenAPI 3.x `servers[].url` (document, path items, operations) or in a Swagger 2.0 `host`, and query parameters that look like credentials (`api_key`, `apikey`, `key`, `token`, `access_token`, `password`, `secret`, …) in a server URL, including what a server variable\'s `default` or `enum` values bring into the URL. Messages never repeat the credentials: user info and query values are shown as `***`.',
    why: 'URLs are not secret: they are written to gateway and proxy access logs, browser history, analytics and monitoring tools, and sent onwards in `Referer` headers. An API key in the query string is therefore leaked by design, and a credential written into a server URL is also published with the spec (developer portals, SDKs, git history) for anyone to reuse.',
    howToFix: 'Send API keys in a header: set the scheme to `in: header` with a name such as `X-API-Key` (and have clients and the gateway read it there). Remove user info and credential parameters from server URLs, declare the matching security scheme instead, and rotate any credential that was committed: it must be considered compromised.',
  },
  then(input, _options, context) {
    const results: RuleResult[] = [];
    const root = deref(input, context);
    if (!isObject(root)) return results;
    for (const { name, scheme, at } of securitySchemes(root, context).schemes) {
      if (scheme.type !== 'apiKey' || scheme.in !== 'query') continue;
      const param = typeof scheme.name === 'string' ? ` as the query parameter '${scheme.name}'` : ' in the query string';
      results.push({ message: `Security scheme '${name}' sends the API key${param}: URLs end up in access logs, browser history and Referer headers; use \`in: header\`.`, path: [...at, 'in'] });
    }
    if (isSwagger2(root, context)) {
      const host = root.host;
      if (typeof host === 'string' && host.includes('@')) {
        results.push({ message: `The document's \`host\` ${maskUrl(`//${host}`).slice(2)} ${USERINFO}`, path: ['host'] });
      }
      return results;
    }
    for (const entry of servers(root, context)) {
      const { server, at, owner } = entry;
      const url = server.url;
      if (typeof url !== 'string') continue;
      const userinfo = hasUserinfo(url);
      const params = secretQueryParams(url);
      if (userinfo) results.push({ message: `Server ${maskUrl(url)} (${owner}) ${USERINFO}`, path: [...at, 'url'] });
      if (params.length > 0) results.push({ message: `Server ${maskUrl(url)} (${owner}) ${query(params)}`, path: [...at, 'url'] });
      // A variable's value can bring the credentials in; only what the template itself lacks is new.
      for (const value of variableValues(entry, context)) {
        const subject = `Server variable '${value.name}' of ${maskUrl(url)} (${owner}): ${value.role} gives ${maskUrl(value.url)}, which`;
        if (!userinfo && hasUserinfo(value.url)) results.push({ message: `${subject} ${USERINFO}`, path: value.at });
        const added = secretQueryParams(value.url).filter((name) => !params.includes(name));
        if (added.length > 0) results.push({ message: `${subject} ${query(added)}`, path: value.at });
      }
    }
    return results;
  },
};
