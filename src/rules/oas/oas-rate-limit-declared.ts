import type { DocumentRule, RuleResult } from '../../model/rule.js';
import { deref, isObject } from '../functions/deref.js';
import { operations } from '../functions/operations.js';

const MARKER = 'x-gwctl-rate-limit';

export const oasRateLimitDeclared: DocumentRule = {
  id: 'oas-rate-limit-declared',
  scope: 'document',
  description: 'Every operation documents its 429 Too Many Requests response.',
  formats: ['oas2', 'oas3_0', 'oas3_1'],
  docs: {
    what: 'Checks that every operation under `paths` lists a `429` response (directly or as a `$ref` to a shared response). `4XX` and `default` do not count: they do not tell clients that the operation is rate limited. The check is skipped for an operation that sets `x-gwctl-rate-limit` (any truthy value, e.g. `true` or a description of the limit), and for the whole document when it sets `x-gwctl-rate-limit` at the top level.',
    why: 'Every route the gateway publishes is rate limited, so every operation can answer 429. When the spec does not say so, generated clients treat 429 as a generic failure instead of backing off and retrying after `Retry-After`, and consumers cannot plan their usage. The cross-check rate-limit-matches-spec also relies on the 429 response to know which operations expect a limit.',
    howToFix: 'Add a `429` response to the operation, ideally a shared one (`components.responses.TooManyRequests` in OpenAPI 3.x, `responses.TooManyRequests` in Swagger 2.0) with a `Retry-After` header, and reference it with `$ref`. If rate limiting is documented another way for the whole API, set `x-gwctl-rate-limit` at the top level of the document (or on the operation) instead.',
  },
  then(input, _options, context) {
    const results: RuleResult[] = [];
    const root = deref(input, context);
    if (!isObject(root) || root[MARKER]) return results;
    for (const op of operations(root, context)) {
      if (op.operation[MARKER]) continue;
      const responses = deref(op.operation.responses, context);
      if (!isObject(responses)) {
        results.push({ message: `Operation ${op.label} has no \`responses\`, so it does not document its 429 (Too Many Requests) response; add one, or set \`${MARKER}\` on the operation or the document.`, path: op.at });
        continue;
      }
      if ('429' in responses) continue;
      results.push({ message: `Operation ${op.label} does not document a 429 (Too Many Requests) response, so clients cannot tell that it is rate limited; add a '429' response (with Retry-After), or set \`${MARKER}\` on the operation or the document.`, path: [...op.at, 'responses'] });
    }
    return results;
  },
};
