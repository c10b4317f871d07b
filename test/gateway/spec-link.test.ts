import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/load/parse.js';
import { linkService, listOperations, pathsMatch, serverPrefix, templateKey } from '../../src/normalize/spec-link.js';
import { modelOf } from './helpers.js';

const OAS3 = `openapi: 3.0.3
info: { title: Pets, version: "1" }
servers:
  - url: https://{env}.example.com/{base}/v2/
    variables:
      env: { default: api }
      base: { default: pets-api }
  - url: https://other.example.com/ignored
security:
  - key: []
paths:
  /pets:
    get:
      operationId: listPets
      responses: { '200': { description: OK }, '429': { description: Slow down } }
    post:
      security: []
      responses: { '201': { description: Created } }
  /pets/{petId}:
    get:
      security: [{ bearer: [] }, { key: [], oauth: [read] }]
      responses: { '200': { description: OK } }
    delete:
      responses: { '204': { description: Gone } }
  /pets/{petId}/photo.{format}:
    get:
      responses: { '200': { description: OK } }
  /admin:
    servers:
      - url: /internal
    get:
      responses: { '200': { description: OK } }
  x-ignored: {}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-API-Key }
    bearer: { type: http, scheme: Bearer }
    oauth: { type: oauth2, flows: {} }
`;

const OAS2 = `swagger: "2.0"
info: { title: Stock, version: "1" }
basePath: /stock/
securityDefinitions:
  basic: { type: basic }
paths:
  /items/{sku}:
    put:
      security: [{ basic: [] }]
      responses: { '200': { description: OK } }
`;

const spec3 = parseSource('/p/pets.yaml', 'pets.yaml', OAS3);
const spec2 = parseSource('/p/stock.yaml', 'stock.yaml', OAS2);

describe('listOperations', () => {
  it('lists operations with the first server\'s path prefix, variables replaced', () => {
    const ops = listOperations(spec3);
    expect(ops.map((op) => `${op.method} ${op.path}`)).toEqual([
      'GET /pets-api/v2/pets',
      'POST /pets-api/v2/pets',
      'GET /pets-api/v2/pets/{petId}',
      'DELETE /pets-api/v2/pets/{petId}',
      'GET /pets-api/v2/pets/{petId}/photo.{format}',
      'GET /internal/admin', // path-level servers override the document's
    ]);
    expect(ops[0]).toMatchObject({ specPath: '/pets', operationId: 'listPets', origin: { file: '/p/pets.yaml', pointer: '/paths/~1pets/get' } });
    expect(ops[2]!.origin.pointer).toBe('/paths/~1pets~1{petId}/get');
  });

  it('honours Swagger 2.0 basePath', () => {
    expect(listOperations(spec2).map((op) => `${op.method} ${op.path}`)).toEqual(['PUT /stock/items/{sku}']);
  });

  it('resolves effective security (operation, else root) and scheme kinds', () => {
    const ops = listOperations(spec3);
    expect(ops[0]!.security).toEqual({ alternatives: [['key']], anonymous: false, schemes: { key: 'apiKey' } });
    expect(ops[1]!.security.anonymous).toBe(true); // security: [] on the operation
    expect(ops[2]!.security).toEqual({ alternatives: [['bearer'], ['key', 'oauth']], anonymous: false, schemes: { bearer: 'bearer', key: 'apiKey', oauth: 'oauth2' } });
    expect(listOperations(spec2)[0]!.security.schemes).toEqual({ basic: 'basic' });
  });

  it('notes which operations document 429', () => {
    expect(listOperations(spec3).map((op) => op.documents429)).toEqual([true, false, false, false, false, false]);
  });

  it('reads server URL prefixes', () => {
    expect(serverPrefix({ url: 'https://api.example.com' })).toBe('');
    expect(serverPrefix({ url: 'https://api.example.com/' })).toBe('');
    expect(serverPrefix({ url: '/v1/' })).toBe('/v1');
    expect(serverPrefix({ url: 'v1' })).toBe('/v1');
    expect(serverPrefix({ url: './v1' })).toBe('/v1');
    expect(serverPrefix({ url: '//cdn.example.com/x?y=1' })).toBe('/x');
    expect(serverPrefix(undefined)).toBe('');
  });
});

describe('pathsMatch', () => {
  it('matches templates on either side, one segment each', () => {
    expect(pathsMatch('/pets/42', '/pets/{id}')).toBe(true);
    expect(pathsMatch('/pets/{x}', '/pets/{id}')).toBe(true);
    expect(pathsMatch('/pets/{x}', '/pets/mine')).toBe(true);
    expect(pathsMatch('/pets/42/owner', '/pets/{id}')).toBe(false);
    expect(pathsMatch('/pets', '/pets/{id}')).toBe(false);
    expect(pathsMatch('/pets/', '/pets')).toBe(true);
    expect(pathsMatch('/Pets', '/pets')).toBe(false);
  });

  it('matches embedded templates by shape', () => {
    expect(pathsMatch('/p/1/photo.png', '/p/{id}/photo.{format}')).toBe(true);
    expect(pathsMatch('/p/1/photo.{f}', '/p/{id}/photo.{format}')).toBe(true);
    expect(pathsMatch('/p/1/photo', '/p/{id}/photo.{format}')).toBe(false);
  });

  it('makes template names irrelevant in route keys', () => {
    expect(templateKey('/a/{id}/b/')).toBe(templateKey('/a/{other}/b'));
    expect(templateKey('/a/{id}')).not.toBe(templateKey('/a/mine'));
  });
});

describe('linkService', () => {
  const model = modelOf(`format: gwctl/v1
services:
  - name: pets
    routes:
      - name: read
        paths: [/pets-api/v2/pets, "/pets-api/v2/pets/{id}"]
        methods: [GET, HEAD]
      - name: all-methods
        paths: ["/pets-api/v2/pets/{petId}"]
      - name: shadow-method
        paths: [/pets-api/v2/pets]
        methods: [PUT, POST]
      - name: shadow-path
        paths: [/pets/v2/pets]
      - name: photo
        paths: ["/pets-api/v2/pets/{id}/photo.png"]
        methods: [GET]
`);
  const link = linkService(model.services[0]!, spec3);
  const matched = (route: string) => link.matches.filter((m) => m.route.name === route).map((m) => `${m.method} ${m.operation.specPath}`);

  it('matches route paths and methods to operations', () => {
    expect(matched('read')).toEqual(['GET /pets', 'GET /pets/{petId}']);
    // no methods = every operation at that path
    expect(matched('all-methods')).toEqual(['GET /pets/{petId}', 'DELETE /pets/{petId}']);
    expect(matched('shadow-method')).toEqual(['POST /pets']);
    expect(matched('photo')).toEqual(['GET /pets/{petId}/photo.{format}']);
  });

  it('reports route paths and methods that reach nothing as shadows (HEAD rides on GET)', () => {
    expect(link.shadows.map((s) => `${s.route.name} ${s.methods.join(',') || '*'} ${s.path}`)).toEqual([
      'shadow-method PUT /pets-api/v2/pets',
      'shadow-path * /pets/v2/pets',
    ]);
  });

  it('lists operations no route reaches', () => {
    expect(link.uncovered.map((op) => `${op.method} ${op.path}`)).toEqual(['GET /internal/admin']);
  });
});
