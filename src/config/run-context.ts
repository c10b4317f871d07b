import path from 'node:path';
import { projectRoot } from '../load/root.js';
import { findProjectConfig, readProjectConfig, type ProjectConfig } from './project.js';
import { loadRuleset, resolveRulesetData, type ResolvedRuleset } from '../lint/ruleset.js';

/** What every command needs to know about where it runs: root, project config, ruleset. */
export interface RunContext {
  cwd: string;
  root: string;
  project?: ProjectConfig;
}

export function runContext(cwd: string): RunContext {
  const configFile = findProjectConfig(cwd);
  return { cwd, root: projectRoot(cwd), project: configFile ? readProjectConfig(configFile, cwd) : undefined };
}

/** `--ruleset FILE`, else `.gwctl.yaml`, else gwctl:recommended. */
export function chooseRuleset(context: RunContext, rulesetFlag: string | undefined): ResolvedRuleset {
  if (rulesetFlag) return loadRuleset(rulesetFlag, context.cwd);
  if (context.project) return resolveRulesetData(context.project.ruleset, context.project.file);
  return loadRuleset('gwctl:recommended', context.cwd);
}

/** The paths to lint: the command line's, else `files` of .gwctl.yaml (relative to it), else `.`. */
export function choosePaths(context: RunContext, paths: readonly string[]): string[] {
  if (paths.length > 0) return [...paths];
  const project = context.project;
  if (project?.files?.length) {
    const dir = path.dirname(project.file);
    return project.files.map((glob) => path.relative(context.cwd, path.resolve(dir, glob)) || '.');
  }
  return ['.'];
}
