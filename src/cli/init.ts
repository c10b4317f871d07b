import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../load/workspace.js';
import type { CliIo } from './main.js';

/**
 * `gwctl init`: a starter project that lints clean and shows each part once (a spec, a gateway
 * config linked to it, `.gwctl.yaml` with a Caddy target). Never overwrites: existing files are
 * kept and reported.
 */
const STARTER: Record<string, string> = {
  '.gwctl.yaml': `# gwctl project config: the ruleset (Spectral's format), what to lint, and where to apply.
extends: [gwctl:recommended]
rules: {}                      # e.g. oas-rate-limit-declared: error
files: ["specs/**/*.yaml", "gateway/*.yaml"]
# baseline: .gwctl-baseline.yaml
targets:
  local: { driver: caddy, url: "http://127.0.0.1:2019", listen: "127.0.0.1:8443", tls: internal }
`,
  'specs/hello.yaml': `openapi: 3.0.3
info:
  title: Hello API
  version: 1.0.0
  x-gwctl-tenant: demo
servers:
  - url: https://api.example.com
security:
  - apiKey: []
paths:
  /hello:
    get:
      operationId: hello
      summary: Say hello
      responses:
        '200': { description: A greeting }
        '429': { description: Too many requests; retry after the Retry-After header }
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: X-API-Key }
`,
  'gateway/gateway.yaml': `# Editors: point yaml-language-server at gwctl's schemas/gwctl-v1.schema.json for completion.
format: gwctl/v1
gateway:
  tls: { minVersion: "1.2" }
  defaults:
    auth: { type: key }
    rateLimit: { requests: 100, per: second, key: consumer }
tenants:
  - name: demo
    owner: platform-team@example.com
services:
  - name: hello-api
    tenant: demo
    spec: ../specs/hello.yaml
    upstream:
      targets:
        - url: https://hello.internal:8443
    routes:
      - name: hello
        paths: [/hello]
        hosts: [api.example.com]
        methods: [GET]
consumers:
  - name: demo-app
    tenant: demo
    credentials:
      - type: key
        key: \${env:DEMO_APP_KEY}     # secrets only as \${env:…} or \${file:…}
    subscriptions:
      - service: hello-api
        status: approved
        approvedBy: platform-team@example.com
`,
};

export function initCommand(io: CliIo): number {
  const written: string[] = [];
  const kept: string[] = [];
  for (const [relative, text] of Object.entries(STARTER)) {
    const file = path.join(io.cwd, relative);
    if (existsSync(file)) {
      kept.push(displayPath(io.cwd, file));
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    // 'wx' fails rather than overwrite, should the file appear between the check and the write.
    writeFileSync(file, text, { flag: 'wx' });
    written.push(displayPath(io.cwd, file));
  }
  for (const file of written) io.stdout(`created ${file}\n`);
  for (const file of kept) io.stdout(`kept    ${file} (exists; not overwritten)\n`);
  io.stdout(written.length > 0 ? '\nNext: `gwctl lint` checks the spec, the config and the two against each other; `gwctl explain` shows who may call what.\n' : '\nNothing to do: every starter file already exists.\n');
  return 0;
}
