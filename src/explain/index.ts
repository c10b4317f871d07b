import type { SourceFile } from '../model/document.js';
import { LoadError, UsageError } from '../model/errors.js';
import { expandInputs } from '../load/files.js';
import { projectRoot } from '../load/root.js';
import { Workspace } from '../load/workspace.js';
import { buildGatewayModel } from '../normalize/index.js';
import { explainRows } from './explain.js';
import { formatJson } from './json.js';
import { formatTable } from './table.js';

export { explainRows, type ExplainOptions } from './explain.js';
export { formatJson } from './json.js';
export { formatTable } from './table.js';

/**
 * `gwctl explain [config…]`: loads the gateway configs among `paths` (files, folders, globs;
 * OpenAPI documents among them are ignored, they are read through the configs' `spec` links),
 * builds the model and returns the effective-policy table as text.
 */
export async function explainCommand(paths: string[], cwd: string, format: 'table' | 'json'): Promise<string> {
  const root = projectRoot(cwd);
  const workspace = new Workspace({ cwd, root });
  const inputs = await expandInputs(paths.length > 0 ? paths : ['.'], cwd, root);
  const configs: SourceFile[] = [];
  for (const input of inputs) {
    const source = await workspace.load(input.path);
    if (source.kind === 'gwctl-v1' || source.kind === 'deck') configs.push(source);
    else if (!source.kind && input.explicit) {
      throw new LoadError(workspace.display(input.path), undefined, undefined, 'is not a gateway config (no `format: gwctl/v1` or decK `_format_version` at its top); give `gwctl explain` the gateway config files.');
    }
  }
  if (configs.length === 0) {
    throw new UsageError(`no gateway config (gwctl/v1 or Kong decK) found in ${paths.length > 0 ? paths.join(', ') : 'the current folder'}; name the config files to explain.`);
  }
  const model = await buildGatewayModel(configs, workspace);
  const rows = explainRows(model, { cwd, deref: workspace.deref });
  return format === 'json' ? formatJson(rows) : formatTable(rows);
}
