import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSource } from '../../src/load/parse.js';
import { Workspace } from '../../src/load/workspace.js';
import type { GatewayModel } from '../../src/model/gateway.js';
import { buildGatewayModel } from '../../src/normalize/index.js';
import { normalizeGwctlV1 } from '../../src/normalize/gwctl-v1.js';

/** A temporary project folder holding these files (path → text). */
export function project(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'gwctl-gateway-')));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

/** Loads config files of a project folder through a Workspace rooted there and builds the model. */
export async function modelFrom(dir: string, configs: string[]): Promise<{ model: GatewayModel; workspace: Workspace }> {
  const workspace = new Workspace({ cwd: dir, root: dir });
  const sources = [];
  for (const config of configs) sources.push(await workspace.load(path.join(dir, config)));
  return { model: await buildGatewayModel(sources, workspace), workspace };
}

/** A model from one config text, without touching the disk (no specs). */
export function modelOf(yaml: string, file = '/virtual/gateway.yaml'): GatewayModel {
  const source = parseSource(file, 'gateway.yaml', yaml);
  const part = normalizeGwctlV1(source);
  const model: GatewayModel = { tenants: part.tenants, services: part.services, consumers: part.consumers, files: [source], specs: new Map() };
  if (part.gateway) model.gateway = part.gateway;
  return model;
}
