import type { ProjectRule, RuleResult } from '../../model/rule.js';
import { describePath, isObject, projectRule } from './util.js';
import { toPointer } from '../../model/document.js';

/** Field names that hold secrets wherever they appear (accessToken, clientSecret, apiKey, password…). */
const SECRET_NAME = /(token|secret|password|passwd|apikey|api[-_]key|privatekey|private[-_]key)$/i;
/** A whole-value reference, resolved only when a driver renders the config. */
const REFERENCE = /^\$\{(env:[A-Za-z_][A-Za-z0-9_]*|file:[^}]+)\}$/;
/** What decK itself resolves at sync time: `{vault://…}` and `${{ env "DECK_…" }}`. */
const DECK_REFERENCE = /^(\{vault:\/\/[^}]+\}|\$\{\{\s*env\s+"DECK_[A-Za-z0-9_]+"\s*\}\})$/;
/** Arrays whose items are credentials: their `key` is the secret (gwctl/v1, Kong decK). */
const CREDENTIAL_ARRAYS = new Set(['credentials', 'keyauth_credentials']);

export const secretsNotInline: ProjectRule = projectRule({
  id: 'secrets-not-inline',
  scope: 'project',
  description: 'Credential keys, passwords and AI provider keys are ${env:…}/${file:…} references, never literals.',
  docs: {
    what: "Reports every secret written as a literal value: a key credential's `key`, and any field named like a secret (`password`, `secret`, `clientSecret`, `apiKey`, `token`, `accessToken`, …) anywhere in the config, `ai.apiKey` included. Only a whole-value `${env:NAME}` or `${file:PATH}` reference passes. The message names the field, never the value.",
    why: "Config files live in git, in CI logs, in review tools and on laptops. A secret written into one is leaked to everyone who can read any of those, forever (git history keeps it after it is removed). References are resolved only when a driver renders the config for plan/apply, and gwctl never prints the resolved values.",
    howToFix: "Move the value into an environment variable or a file outside the repository and write `${env:NAME}` or `${file:./secrets/name}` instead. Then rotate the secret: it has been committed.",
  },
  formats: ['gwctl-v1', 'deck'],
  then(model) {
    const results: RuleResult[] = [];
    for (const file of model.files) {
      if (file.kind !== 'gwctl-v1' && file.kind !== 'deck') continue;
      const isReference = (value: string) => REFERENCE.test(value) || (file.kind === 'deck' && DECK_REFERENCE.test(value));
      walk(file.data, [], false, isReference, (path) => {
        results.push({ message: `\`${describePath(path)}\` is an inline secret; use \${env:NAME} or \${file:PATH} instead (and rotate it: it has been committed)`, at: { file: file.path, pointer: toPointer(path) } });
      });
    }
    return results;
  },
});

/** Calls `report` for every literal secret below `node`. `inCredential`: node is a credential item. */
function walk(node: unknown, path: Array<string | number>, inCredential: boolean, isReference: (value: string) => boolean, report: (path: Array<string | number>) => void): void {
  if (Array.isArray(node)) {
    const credentials = path.length >= 1 && CREDENTIAL_ARRAYS.has(String(path[path.length - 1]));
    node.forEach((item, index) => walk(item, [...path, index], credentials, isReference, report));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const here = [...path, key];
    const secretField = SECRET_NAME.test(key) || (inCredential && key === 'key');
    if (secretField && isLiteral(value, isReference)) report(here);
    else if (value !== null && typeof value === 'object') walk(value, here, false, isReference, report);
  }
}

function isLiteral(value: unknown, isReference: (value: string) => boolean): boolean {
  if (typeof value === 'number') return true;
  if (typeof value !== 'string') return false;
  return value.trim() !== '' && !isReference(value.trim());
}
