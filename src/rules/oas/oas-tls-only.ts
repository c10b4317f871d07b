import type { JsonPath } from '../../model/document.js';
import type { DocumentRule, RuleContext, RuleResult } from '../../model/rule.js';
import { deref, isObject } from '../functions/deref.js';
import { isSwagger2, securitySchemes, servers, variableValues, type ServerEntry } from '../functions/openapi.js';
import { operations } from '../functions/operations.js';
import { isPlaintextUrl, maskUrl, schemeOf } from '../functions/url.js';

const FLOW_URLS = ['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const;
const SWAGGER2_URLS = ['authorizationUrl', 'tokenUrl'] as const;

export const oasTlsOnly: DocumentRule = {
  id: 'oas-tls-only',
  scope: 'document',
  description: 'Servers, schemes and OAuth2/OpenID Connect URLs use TLS (https), never plain http.',
  formats: ['oas2', 'oas3_0', 'oas3_1'],
  docs: {
    what: 'OpenAPI 3.x: every `servers[].url` (of the document, of path items and of operations) must be https (or wss); relative URLs such as `/v1` pass, since they inherit the scheme the spec is served with. When a URL uses server variables (`{scheme}://api.example.com`, `{baseUrl}/v1`), every value of each variable (`default` and `enum`) must also give an https URL; the finding points at the offending value. Swagger 2.0: `schemes`, at the top level and on operations, must not list `http` or `ws`. Both: OAuth2 `authorizationUrl`, `tokenUrl` and `refreshUrl`, and OpenID Connect `openIdConnectUrl`, must be https. `http://localhost` is plain http too and is reported.',
    why: 'Every request to an API carries credentials (API keys, bearer tokens, cookies) and usually personal data. Over plain http they can be read and altered by anyone on the network path, and the gateway publishes exactly the servers and schemes the spec declares. OAuth2 endpoints over http leak authorization codes, client secrets and tokens, which RFC 6749 forbids.',
    howToFix: 'Change `http://` to `https://` in server URLs and OAuth2/OpenID Connect URLs; remove `http` and `ws` from Swagger 2.0 `schemes` (keep `https`/`wss`); remove `http` from the `default` and `enum` of a scheme variable. For local development servers, keep them out of the published spec (an overlay or a separate dev spec), or use a relative URL.',
  },
  then(input, _options, context) {
    const results: RuleResult[] = [];
    const root = deref(input, context);
    if (!isObject(root)) return results;
    const swagger2 = isSwagger2(root, context);
    if (swagger2) {
      checkSchemes(root.schemes, ['schemes'], 'The document', context, results);
      for (const op of operations(root, context)) checkSchemes(op.operation.schemes, [...op.at, 'schemes'], `Operation ${op.label}`, context, results);
    } else {
      for (const entry of servers(root, context)) checkServer(entry, context, results);
    }
    for (const { name, scheme, at } of securitySchemes(root, context).schemes) {
      if (swagger2) {
        for (const key of SWAGGER2_URLS) checkAuthUrl(scheme[key], [...at, key], `Security scheme '${name}' has ${key}`, results);
        continue;
      }
      checkAuthUrl(scheme.openIdConnectUrl, [...at, 'openIdConnectUrl'], `Security scheme '${name}' has openIdConnectUrl`, results);
      const flows = deref(scheme.flows, context);
      if (!isObject(flows)) continue;
      for (const flowName of Object.keys(flows)) {
        const flow = deref(flows[flowName], context);
        if (!isObject(flow)) continue;
        for (const key of FLOW_URLS) checkAuthUrl(flow[key], [...at, 'flows', flowName, key], `Security scheme '${name}' (flow ${flowName}) has ${key}`, results);
      }
    }
    return results;
  },
};

function checkSchemes(value: unknown, at: JsonPath, subject: string, context: RuleContext, results: RuleResult[]): void {
  const list = deref(value, context);
  if (!Array.isArray(list)) return;
  list.forEach((scheme, index) => {
    if (typeof scheme !== 'string') return;
    const lower = scheme.toLowerCase();
    if (lower === 'https' || lower === 'wss') return;
    results.push({ message: `${subject} allows the scheme '${scheme}' in \`schemes\`: requests and credentials would travel unencrypted; list only https${lower === 'ws' ? ' (wss for WebSockets)' : ''}.`, path: [...at, index] });
  });
}

function checkServer(entry: ServerEntry, context: RuleContext, results: RuleResult[]): void {
  const { server, at, owner } = entry;
  const url = server.url;
  if (typeof url !== 'string') return;
  if (isPlaintextUrl(url)) {
    results.push({ message: `Server ${maskUrl(url)} (${owner}) uses ${schemeOf(url)}://, so requests and credentials travel unencrypted; use https://.`, path: [...at, 'url'] });
    return;
  }
  for (const value of variableValues(entry, context)) {
    if (!isPlaintextUrl(value.url)) continue;
    // The value is not shown: it may be a whole base URL; the URL it gives is shown masked.
    results.push({ message: `Server variable '${value.name}' of ${maskUrl(url)} (${owner}): ${value.role} gives the unencrypted URL ${maskUrl(value.url)}; allow only https values.`, path: value.at });
  }
}

function checkAuthUrl(url: unknown, at: JsonPath, subject: string, results: RuleResult[]): void {
  if (typeof url !== 'string' || !isPlaintextUrl(url)) return;
  results.push({ message: `${subject} ${maskUrl(url)}, which is not https: authorization codes, client secrets and tokens would travel unencrypted; use https://.`, path: at });
}
