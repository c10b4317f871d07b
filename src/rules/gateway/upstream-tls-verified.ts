import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { below, projectRule } from './util.js';

export const upstreamTlsVerified: ProjectRule = projectRule({
  id: 'upstream-tls-verified',
  scope: 'project',
  description: 'No upstream turns off TLS certificate verification.',
  docs: {
    what: 'Reports every service whose `upstream.tls.verify` is `false`.',
    why: 'Without verification the gateway accepts any certificate from the upstream, so anyone who can intercept the connection between gateway and backend can impersonate the backend and read every request, credentials included. Encryption without authentication is not protection.',
    howToFix: 'Remove `tls: {verify: false}` (verification is the default). If the upstream uses a private CA, give the gateway that CA instead of turning verification off; if its certificate names another host, fix the certificate or the target URL.',
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const service of model.services) {
      const tls = service.upstream?.tls;
      if (tls?.verify !== false) continue;
      results.push({ message: `service '${service.name}' turns off upstream TLS verification (tls.verify: false); the gateway would accept any certificate`, at: below(tls.origin, 'verify') });
    }
    return results;
  },
});
