/** Hostile inputs too big to commit, written at test time. */
import { writeFileSync } from 'node:fs';

const HEADER = {
  openapi: '3.0.3',
  info: { title: 'Generated', version: '1', 'x-gwctl-tenant': 'gen' },
  servers: [{ url: 'https://api.example.com' }],
  security: [{ bearer: [] }],
};

function operation(i: number): object {
  return {
    summary: `Get resource ${i}`,
    operationId: `getResource${i}`,
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Resource' } } } },
      '429': { description: 'Too many requests' },
    },
  };
}

const COMPONENTS = {
  securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
  schemas: { Resource: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
};

/** A valid OpenAPI 3.0 spec of about `bytes` bytes of pretty-printed JSON: many paths. */
export function bigJsonSpec(file: string, bytes: number): number {
  const paths: Record<string, object> = {};
  const perPath = JSON.stringify({ get: operation(0), delete: operation(0) }, null, 2).length + 40;
  const count = Math.ceil(bytes / perPath);
  for (let i = 0; i < count; i++) paths[`/resources${i}/{id}`] = { get: operation(i), delete: { ...operation(i), operationId: `deleteResource${i}` } };
  const text = JSON.stringify({ ...HEADER, paths, components: COMPONENTS }, null, 2);
  writeFileSync(file, text);
  return text.length;
}

/** The same shape as block YAML, written by hand (fast, and no YAML library on the test side). */
export function bigYamlSpec(file: string, bytes: number): number {
  const head = [
    'openapi: 3.0.3',
    'info: { title: Generated, version: "1", x-gwctl-tenant: gen }',
    'servers: [{ url: "https://api.example.com" }]',
    'security: [{ bearer: [] }]',
    'components:',
    '  securitySchemes: { bearer: { type: http, scheme: bearer } }',
    '  schemas:',
    '    Resource: { type: object, properties: { id: { type: string }, name: { type: string } } }',
    'paths:',
  ].join('\n') + '\n';
  const chunks = [head];
  let size = head.length;
  for (let i = 0; size < bytes; i++) {
    const op = (verb: string, id: string) => [
      `    ${verb}:`,
      `      summary: Get resource ${i}`,
      `      operationId: ${id}`,
      '      parameters:',
      '        - name: id',
      '          in: path',
      '          required: true',
      '          schema:',
      '            type: string',
      '      responses:',
      '        "200":',
      '          description: OK',
      '          content:',
      '            application/json:',
      '              schema:',
      "                $ref: '#/components/schemas/Resource'",
      '        "429":',
      '          description: Too many requests',
    ].join('\n');
    const chunk = `  /resources${i}/{id}:\n${op('get', `getResource${i}`)}\n${op('delete', `deleteResource${i}`)}\n`;
    chunks.push(chunk);
    size += chunk.length;
  }
  writeFileSync(file, chunks.join(''));
  return size;
}

/** `[[[…]]]`, `depth` levels. */
export function deepJson(file: string, depth: number): void {
  writeFileSync(file, '['.repeat(depth) + ']'.repeat(depth));
}

/** A spec whose `x-deep` is a flow list `depth` levels deep. */
export function deepYamlFlow(file: string, depth: number): void {
  writeFileSync(file, `openapi: 3.0.3\ninfo: { title: Deep, version: "1" }\npaths: {}\nx-deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
}

/** A spec whose `x-deep` is `- - - - … x`: block lists `depth` levels deep on one line. */
export function deepYamlBlock(file: string, depth: number): void {
  writeFileSync(file, `openapi: 3.0.3\ninfo: { title: Deep, version: "1" }\npaths: {}\nx-deep:\n  ${'- '.repeat(depth)}x\n`);
}

/** A spec with a schema nested `levels` mapping levels deep (properties → a → properties → …), pretty JSON. */
export function nestedSchemaSpec(file: string, levels: number): void {
  let schema: object = { type: 'string' };
  for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { a: schema } };
  writeFileSync(file, JSON.stringify({
    ...HEADER,
    paths: { '/a': { get: { responses: { '200': { description: 'OK', content: { 'application/json': { schema } } }, '429': { description: 'slow down' } } } } },
    components: COMPONENTS,
  }, null, 1));
}

/** A spec with `x-flood: [1,1,1,…]`: few bytes, millions of YAML tokens. */
export function yamlTokenFlood(file: string, items: number): void {
  writeFileSync(file, `openapi: 3.0.3\ninfo: { title: Flood, version: "1" }\npaths: {}\nx-flood: [${'1,'.repeat(items)}1]\n`);
}

/** A spec with `"x-flood": [{},{},…]`: millions of empty objects. */
export function jsonObjectFlood(file: string, items: number): void {
  writeFileSync(file, `{"openapi":"3.0.3","info":{"title":"Flood","version":"1"},"paths":{},"x-flood":[${'{},'.repeat(items)}{}]}`);
}
