import type { DocumentRule, RuleResult } from '../../model/rule.js';
import { deref, isObject } from '../functions/deref.js';
import { isAnonymousOnly } from '../functions/openapi.js';
import { operations } from '../functions/operations.js';

const HOW = 'add a `security` requirement to the operation or the document, or mark it `x-gwctl-public: true` with an `x-gwctl-reason`';

export const oasAuthRequired: DocumentRule = {
  id: 'oas-auth-required',
  scope: 'document',
  description: 'Every operation requires authentication, unless it is marked public with a reason.',
  formats: ['oas2', 'oas3_0', 'oas3_1'],
  docs: {
    what: 'Checks that every operation under `paths` has an effective security requirement: its own `security` if it sets one, else the document\'s `security`. A missing list, `security: []` and a list whose only entries are `{}` all mean that the operation can be called anonymously, and are reported. A list that mixes `{}` with a real requirement (optional authentication) passes. An operation, or a whole path item, may be deliberately public with `x-gwctl-public: true` and a non-empty `x-gwctl-reason`; `x-gwctl-public: true` without a reason is reported. An `x-gwctl-public` on the operation takes precedence over one on its path item.',
    why: 'The gateway derives its authentication from the spec, so an operation without a security requirement is published to the internet without any check. Forgetting `security` on one new operation, or overriding it with `security: []` while testing, is the most common way an internal endpoint leaks. Requiring an explicit, explained opt-out keeps the public surface of an API a reviewed decision.',
    howToFix: 'Declare the security scheme the operation needs, either once at the top level (`security: [{ apiKey: [] }]`, inherited by every operation) or on the operation itself. Remove `security: []` or `security: [{}]` overrides that were not meant to open the operation. If the operation must really be anonymous (a health check, a public catalogue, a login endpoint), set `x-gwctl-public: true` and `x-gwctl-reason: "why it is public"` on the operation or its path item.',
  },
  then(input, _options, context) {
    const results: RuleResult[] = [];
    const root = deref(input, context);
    if (!isObject(root)) return results;
    const reportedItems = new Set<Record<string, unknown>>();
    for (const op of operations(root, context)) {
      const own = 'x-gwctl-public' in op.operation;
      const isPublic = (own ? op.operation['x-gwctl-public'] : op.pathItem['x-gwctl-public']) === true;
      if (isPublic) {
        const reason = op.operation['x-gwctl-reason'] ?? op.pathItem['x-gwctl-reason'];
        if (typeof reason === 'string' && reason.trim() !== '') continue;
        if (own) {
          results.push({ message: `Operation ${op.label} is marked \`x-gwctl-public: true\` without an \`x-gwctl-reason\`: say why it may be called anonymously (or remove the marker and require authentication).`, path: [...op.at, 'x-gwctl-public'] });
        } else if (!reportedItems.has(op.pathItem)) {
          // One finding per path item, where the marker is, not one per operation under it.
          reportedItems.add(op.pathItem);
          results.push({ message: `Path ${op.path} is marked \`x-gwctl-public: true\` without an \`x-gwctl-reason\`: say why its operations may be called anonymously (or remove the marker and require authentication).`, path: [...op.at.slice(0, -1), 'x-gwctl-public'] });
        }
        continue;
      }
      if ('security' in op.operation) {
        const security = deref(op.operation.security, context);
        if (!isAnonymousOnly(security)) continue;
        const shown = !Array.isArray(security) ? 'an empty `security`' : security.length > 0 ? 'a `security` list with only `{}`' : '`security: []`';
        results.push({ message: `Operation ${op.label} sets ${shown}, so it can be called anonymously; ${HOW}.`, path: [...op.at, 'security'] });
        continue;
      }
      if (!('security' in root)) {
        results.push({ message: `Operation ${op.label} has no security requirement (none on the operation, none on the document): it can be called anonymously; ${HOW}.`, path: op.at });
      } else if (isAnonymousOnly(deref(root.security, context))) {
        results.push({ message: `Operation ${op.label} inherits the document's empty \`security\`, so it can be called anonymously; ${HOW}.`, path: op.at });
      }
    }
    return results;
  },
};
