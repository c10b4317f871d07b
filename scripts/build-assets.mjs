// Build assets that spare every run some start-up work:
// - schemas/gwctl-v1.schema.json compiled into a standalone ajv validator (dist/schemas/), so
//   linting a gateway config does not pay ~100 ms of schema compilation;
// - the built-in rulesets (rulesets/*.yaml, the source of truth) as JSON (dist/rulesets/), so the
//   default run does not load a YAML parser for them.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020.js');
const standalone = require('ajv/dist/standalone').default;

const schema = JSON.parse(readFileSync(path.join(root, 'schemas', 'gwctl-v1.schema.json'), 'utf8'));
// The same options as src/rules/gateway/config-schema.ts uses when it compiles at run time.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, code: { source: true } });
const code = standalone(ajv, ajv.compile(schema));
mkdirSync(path.join(root, 'dist', 'schemas'), { recursive: true });
writeFileSync(path.join(root, 'dist', 'schemas', 'gwctl-v1.validate.cjs'), code);

const { parse } = require('yaml');
mkdirSync(path.join(root, 'dist', 'rulesets'), { recursive: true });
for (const file of readdirSync(path.join(root, 'rulesets')).filter((f) => f.endsWith('.yaml'))) {
  const data = parse(readFileSync(path.join(root, 'rulesets', file), 'utf8'));
  writeFileSync(path.join(root, 'dist', 'rulesets', file.replace(/\.yaml$/, '.json')), `${JSON.stringify(data, null, 2)}\n`);
}
