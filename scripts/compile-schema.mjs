// Compiles schemas/gwctl-v1.schema.json into a standalone ajv validator (dist/schemas/), so that
// linting a gateway config does not pay ~100 ms of schema compilation on every run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
