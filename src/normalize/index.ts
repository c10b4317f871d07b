import type { Origin, SourceFile } from '../model/document.js';
import { LoadError } from '../model/errors.js';
import type { GatewayModel, Tenant } from '../model/gateway.js';
import { isOpenApi } from '../load/detect.js';
import type { Workspace } from '../load/workspace.js';
import { normalizeDeck } from './deck.js';
import { normalizeGwctlV1, type SpecLink } from './gwctl-v1.js';

export { normalizeGwctlV1 } from './gwctl-v1.js';
export { normalizeDeck } from './deck.js';
export { effectivePolicies, effectivePolicy, requestsPerSecond } from './effective-policy.js';
export { linkModel, linkService, listOperations, pathsMatch } from './spec-link.js';

/**
 * Builds the gateway model of a run: every gwctl/v1 and Kong decK config merged (tenants,
 * services and consumers concatenated, `gateway` at most once), and every linked spec loaded
 * through the workspace so findings can point into it. A decK file does not define tenants, it
 * names them (`_workspace`, `tenant:<name>` tags): those are added once each, unless a gwctl/v1
 * file defines them. APISIX ADC files are not mapped yet.
 *
 * Throws LoadError (exit 2) for a duplicate name or a second `gateway`, naming both places, and
 * for a `spec` outside the project root. A spec that does not exist or is not an OpenAPI
 * document is not an error here: it is recorded on the service (`specProblem`) and reported by
 * the rule route-matches-spec, so the rest of the config is still linted.
 */
export async function buildGatewayModel(files: SourceFile[], workspace: Workspace): Promise<GatewayModel> {
  const model: GatewayModel = { tenants: [], services: [], consumers: [], files, specs: new Map() };
  const links: SpecLink[] = [];
  const mentioned: Tenant[] = [];
  for (const file of files) {
    if (file.kind === 'deck') {
      const part = normalizeDeck(file);
      mentioned.push(...part.tenants);
      model.services.push(...part.services);
      model.consumers.push(...part.consumers);
      continue;
    }
    if (file.kind !== 'gwctl-v1') continue; // ADC mapping: not yet
    const part = normalizeGwctlV1(file);
    if (part.gateway) {
      if (model.gateway) throw duplicate(workspace, 'the `gateway` section', part.gateway.origin, model.gateway.origin, 'gateway-wide settings may appear in one file only; merge them into one `gateway` section.');
      model.gateway = part.gateway;
    }
    model.tenants.push(...part.tenants);
    model.services.push(...part.services);
    model.consumers.push(...part.consumers);
    links.push(...part.specLinks);
  }

  checkUnique(workspace, (name) => `tenant '${name}'`, model.tenants);
  const defined = new Set(model.tenants.map((tenant) => tenant.name));
  for (const tenant of mentioned) {
    if (defined.has(tenant.name)) continue;
    defined.add(tenant.name);
    model.tenants.push(tenant);
  }
  checkUnique(workspace, (name) => `service '${name}'`, model.services);
  checkUnique(workspace, (name) => `consumer '${name}'`, model.consumers);
  for (const service of model.services) checkUnique(workspace, (name) => `route '${name}' of service '${service.name}'`, service.routes);

  for (const link of links) await loadSpec(model, link, workspace);
  return model;
}

async function loadSpec(model: GatewayModel, link: SpecLink, workspace: Workspace): Promise<void> {
  const { service, written, absolute } = link;
  if (!workspace.isInsideRoot(absolute)) {
    const range = locate(workspace, link.origin);
    throw new LoadError(workspace.display(link.origin.file), range?.line, range?.column,
      `service '${service.name}' links the spec ${written}, which is outside the project root ${workspace.display(workspace.root) || '.'} and was not read. Keep linked specs inside the project (the git root, else the current folder).`);
  }
  // Through the workspace, not the file system: under --since the files come from a git revision.
  if (!workspace.exists(absolute)) {
    service.specProblem = `spec ${written} not found (looked for ${workspace.display(absolute)})`;
    return;
  }
  // A spec that exists but cannot be read or parsed is an input error like any other file's.
  const source = await workspace.load(absolute);
  if (!isOpenApi(source.kind)) {
    service.specProblem = `spec ${written} is not an OpenAPI document (no \`swagger: "2.0"\` or \`openapi: 3.0.x/3.1.x\` at its top)`;
    return;
  }
  model.specs.set(source.path, source);
}

function checkUnique(workspace: Workspace, what: (name: string) => string, nodes: ReadonlyArray<{ name: string; origin: Origin }>): void {
  const seen = new Map<string, Origin>();
  for (const node of nodes) {
    const first = seen.get(node.name);
    if (first) throw duplicate(workspace, what(node.name), node.origin, first, 'names must be unique across all config files of a run; rename or remove one of them.');
    seen.set(node.name, node.origin);
  }
}

function duplicate(workspace: Workspace, what: string, second: Origin, first: Origin, advice: string): LoadError {
  const here = locate(workspace, second);
  const there = locate(workspace, first);
  const thereText = `${workspace.display(first.file)}${there ? `:${there.line}:${there.column}` : ''}`;
  return new LoadError(workspace.display(second.file), here?.line, here?.column,
    `${what} is defined twice: here and at ${thereText}; ${advice}`);
}

function locate(workspace: Workspace, origin: Origin): { line: number; column: number } | undefined {
  const source = workspace.files.get(origin.file);
  return source?.locate([origin.pointer]).get(origin.pointer);
}

