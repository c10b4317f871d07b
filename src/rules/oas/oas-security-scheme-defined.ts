import type { JsonPath } from '../../model/document.js';
import type { DocumentRule, RuleContext, RuleResult } from '../../model/rule.js';
import { deref, isObject } from '../functions/deref.js';
import { securitySchemes, type SecuritySchemes } from '../functions/openapi.js';
import { operations } from '../functions/operations.js';

export const oasSecuritySchemeDefined: DocumentRule = {
  id: 'oas-security-scheme-defined',
  scope: 'document',
  description: 'Every security requirement names a security scheme the document defines.',
  formats: ['oas2', 'oas3_0', 'oas3_1'],
  docs: {
    what: 'Checks every security requirement, in the document\'s top-level `security` and in each operation\'s `security`: each scheme name it lists must be defined in `components.securitySchemes` (OpenAPI 3.x) or `securityDefinitions` (Swagger 2.0). Names are case-sensitive.',
    why: 'A requirement on an undefined scheme looks secured in review but tells neither the gateway nor clients how to authenticate: gateways either reject the whole spec or silently drop the requirement, which can leave the operation open. It is usually a typo (`apikey` for `apiKey`) or a scheme that was renamed or removed in one place only.',
    howToFix: 'Fix the name in the requirement so it matches a defined scheme exactly, or define the missing scheme under `components.securitySchemes` (OpenAPI 3.x) / `securityDefinitions` (Swagger 2.0) with its type (`apiKey`, `http`, `oauth2`, `openIdConnect`, `mutualTLS`) and settings.',
  },
  then(input, _options, context) {
    const results: RuleResult[] = [];
    const root = deref(input, context);
    if (!isObject(root)) return results;
    const defined = securitySchemes(root, context);
    check(root.security, ['security'], 'The document', defined, context, results);
    for (const op of operations(root, context)) {
      check(op.operation.security, [...op.at, 'security'], `Operation ${op.label}`, defined, context, results);
    }
    return results;
  },
};

function check(value: unknown, at: JsonPath, subject: string, defined: SecuritySchemes, context: RuleContext, results: RuleResult[]): void {
  const list = deref(value, context);
  if (!Array.isArray(list)) return;
  list.forEach((item, index) => {
    const requirement = deref(item, context);
    if (!isObject(requirement)) return;
    for (const name of Object.keys(requirement)) {
      if (defined.names.has(name)) continue;
      const lower = name.toLowerCase();
      const close = [...defined.names].find((other) => other.toLowerCase() === lower);
      const hint = close ? `did you mean '${close}'? Names are case-sensitive` : `${known(defined)}; fix the name or define the scheme`;
      results.push({ message: `${subject} requires the security scheme '${name}', which is not defined in ${defined.where} (${hint}).`, path: [...at, index, name] });
    }
  });
}

function known(defined: SecuritySchemes): string {
  if (defined.names.size === 0) return 'none is defined there';
  const names = [...defined.names];
  const shown = names.slice(0, 8).map((name) => `'${name}'`).join(', ');
  return `defined: ${shown}${names.length > 8 ? `, and ${names.length - 8} more` : ''}`;
}
