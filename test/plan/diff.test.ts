import { describe, expect, it } from 'vitest';
import { dropZeroValues } from '../../src/plan/canonical.js';
import { diff, fieldChanges, type DiffObject } from '../../src/plan/diff.js';
import { inputHash, liveFingerprint } from '../../src/plan/fingerprint.js';
import { maskCaddy } from '../../src/gateway/drivers/caddy/mask.js';

const options = { kindOrder: ['tls-policy', 'server', 'route'], normalize: dropZeroValues, mask: (_o: DiffObject, v: unknown) => maskCaddy(v) };
const route = (key: string, value: Record<string, unknown>): DiffObject => ({ kind: 'route', key, value: { '@id': key, ...value } });

describe('diff', () => {
  it('orders creates and updates top-down, deletes bottom-up', () => {
    const desired = [route('r1', { terminal: true }), { kind: 'server', key: 's', value: { listen: [':1'] } }, { kind: 'tls-policy', key: 't', value: { subjects: ['a'] } }];
    const live = [{ kind: 'tls-policy', key: 'old', value: {} }, { kind: 'server', key: 's', value: { listen: [':2'] } }, route('gone', {})];
    const changes = diff(desired, live, options);
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual([
      'create tls-policy t', 'update server s', 'create route r1', 'delete route gone', 'delete tls-policy old',
    ]);
    expect(changes[1]!.fields).toEqual([{ path: 'listen.0', before: ':2', after: ':1' }]);
  });

  it('treats Go zero values as absent on both sides (server defaults)', () => {
    const desired = [route('r', { terminal: true, handle: [{ handler: 'static_response', status_code: 404 }] })];
    const live = [route('r', { terminal: true, match: [], group: '', handle: [{ handler: 'static_response', status_code: 404, close: false, headers: {} }] })];
    expect(diff(desired, live, options)).toEqual([]);
  });

  it('keeps meaningful empty array elements ([{}] turns TLS on)', () => {
    expect(dropZeroValues({ tls_connection_policies: [{}] })).toEqual({ tls_connection_policies: [{}] });
    expect(dropZeroValues({ tls_connection_policies: [] })).toEqual({});
  });

  it('masks secret positions in before, after and fields, but still sees the change', () => {
    const keyed = (key: string) => route('r', { handle: [{ handler: 'subroute', routes: [{ match: [{ header: { 'X-API-Key': [key] } }] }] }] });
    const [change] = diff([keyed('new-secret-key')], [keyed('old-secret-key')], options);
    expect(change!.action).toBe('update');
    expect(change!.fields).toEqual([{ path: 'handle.0.routes.0.match.0.header.X-API-Key.0', before: '(secret)', after: '(secret)' }]);
    const text = JSON.stringify(change);
    expect(text).not.toContain('secret-key');
    const basic = (hash: string) => route('b', { handle: [{ handler: 'authentication', providers: { http_basic: { accounts: [{ username: 'alice', password: hash }] } } }] });
    const [deleted] = diff([], [basic('$2b$10$abcdefghijklmnopqrstuv')], options);
    expect(JSON.stringify(deleted)).not.toContain('$2b$');
    expect(JSON.stringify(deleted)).toContain('alice');
  });

  it('leaves deletes out with noDelete', () => {
    expect(diff([], [route('gone', {})], { ...options, noDelete: true })).toEqual([]);
  });
});

describe('fieldChanges', () => {
  it('lists added, removed and changed leaves by dotted path, escaping dots in keys', () => {
    expect(fieldChanges({ a: { 'x.y': 1, b: [1, 2] } }, { a: { 'x.y': 2, b: [1] }, c: true })).toEqual([
      { path: 'a.b.1', before: 2 },
      { path: 'a.x\\.y', before: 1, after: 2 },
      { path: 'c', after: true },
    ]);
  });

  it('reports a whole subtree when its type changes', () => {
    expect(fieldChanges({ a: [1] }, { a: { b: 1 } })).toEqual([{ path: 'a', before: [1], after: { b: 1 } }]);
  });
});

describe('fingerprints', () => {
  it('depend on the live objects and the etag, not on key order', () => {
    const a = liveFingerprint([{ kind: 'route', key: 'r', value: { x: 1, y: 2 } }], '"/config/ 1"');
    const b = liveFingerprint([{ kind: 'route', key: 'r', value: { y: 2, x: 1 } }], '"/config/ 1"');
    expect(a).toBe(b);
    expect(liveFingerprint([{ kind: 'route', key: 'r', value: { x: 1, y: 2 } }], '"/config/ 2"')).not.toBe(a);
    expect(liveFingerprint([{ kind: 'route', key: 'r', value: { x: 1, y: 3 } }], '"/config/ 1"')).not.toBe(a);
  });

  it('input hash: order-independent, content-dependent', () => {
    const h = inputHash([{ path: 'a.yaml', sha256: '1' }, { path: 'b.yaml', sha256: '2' }]);
    expect(inputHash([{ path: 'b.yaml', sha256: '2' }, { path: 'a.yaml', sha256: '1' }])).toBe(h);
    expect(inputHash([{ path: 'a.yaml', sha256: '1' }, { path: 'b.yaml', sha256: '3' }])).not.toBe(h);
  });
});
