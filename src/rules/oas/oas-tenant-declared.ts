import type { DocumentRule, RuleResult } from '../../model/rule.js';
import { deref, isObject } from '../functions/deref.js';

const KEY = 'x-gwctl-tenant';

export const oasTenantDeclared: DocumentRule = {
  id: 'oas-tenant-declared',
  scope: 'document',
  description: 'The document declares the tenant that owns it in info.x-gwctl-tenant.',
  formats: ['oas2', 'oas3_0', 'oas3_1'],
  docs: {
    what: 'Checks that `info.x-gwctl-tenant` is a non-empty string: the id of the tenant (team, business unit, customer) that owns the API. A missing `info`, a missing key, an empty string or a non-string value are reported.',
    why: 'Ownership drives governance: tenant isolation, who may subscribe, who approves access and who gets paged all depend on knowing which tenant an API belongs to. A spec without a tenant cannot be checked against the gateway config\'s tenants and tends to become an orphan that nobody maintains or retires.',
    howToFix: 'Add the owning tenant\'s id under `info`, e.g. `info: { title: Pets, version: 1.0.0, x-gwctl-tenant: retail }`, using the same id as the `tenants` of your gwctl config.',
  },
  then(input, _options, context) {
    const results: RuleResult[] = [];
    const root = deref(input, context);
    if (!isObject(root)) return results;
    const info = deref(root.info, context);
    if (!isObject(info)) {
      results.push({ message: `The document has no \`info\` object, so it cannot declare its tenant; add \`info.${KEY}\` with the id of the tenant that owns the API.`, path: [] });
      return results;
    }
    const tenant = info[KEY];
    if (!(KEY in info)) {
      results.push({ message: `The document does not declare its tenant: add \`${KEY}\` under \`info\` with the id of the tenant that owns the API.`, path: ['info'] });
    } else if (typeof tenant !== 'string' || tenant.trim() === '') {
      results.push({ message: `\`info.${KEY}\` must be the non-empty id of the tenant that owns the API (got ${typeof tenant === 'string' ? 'an empty string' : tenant === null ? 'null' : `a ${Array.isArray(tenant) ? 'list' : typeof tenant}`}).`, path: ['info', KEY] });
    }
    return results;
  },
};
