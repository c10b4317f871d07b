import { createRequire } from 'node:module';
import type * as YamlApi from 'yaml';

let api: typeof YamlApi | undefined;

/**
 * The `yaml` package, loaded on first use: a run over JSON specs with the built-in rulesets never
 * reads a YAML file, and loading the package is a fifth of such a run's start-up.
 */
export function yaml(): typeof YamlApi {
  return (api ??= createRequire(import.meta.url)('yaml') as typeof YamlApi);
}
