import { describe, expect, it } from 'vitest';
import { applyBaseline, createBaseline, isExpired, updateBaseline } from '../../src/baseline/baseline.js';
import { entry, finding } from './helpers.js';

const today = new Date('2026-03-15T12:00:00Z');

describe('applyBaseline', () => {
  it('baselines a matching finding even after it moved lines', () => {
    const moved = finding({ line: 40, endLine: 46 }); // same fingerprint, new position
    const other = finding({ rule: 'upstream-https', fingerprint: 'fp-http', severity: 'warn' });
    const result = applyBaseline([moved, other], { entries: [entry()] }, today);
    expect(result.findings.map((f) => f.baselined)).toEqual([true, false]);
    expect(result.findings[0]!.line).toBe(40);
    expect(result.stale).toEqual([]);
    expect(result.expired).toEqual([]);
  });

  it('does not mutate its input', () => {
    const input = [finding()];
    applyBaseline(input, { entries: [entry()] }, today);
    expect(input[0]!.baselined).toBe(false);
  });

  it('needs rule, file and fingerprint to all match', () => {
    const entries = [entry({ rule: 'other-rule' }), entry({ file: 'other.yaml' }), entry({ fingerprint: 'other' })];
    const result = applyBaseline([finding()], { entries }, today);
    expect(result.findings[0]!.baselined).toBe(false);
    expect(result.stale).toHaveLength(3);
  });

  it('lets one entry cover every finding with its fingerprint', () => {
    const result = applyBaseline([finding(), finding({ line: 90 })], { entries: [entry()] }, today);
    expect(result.findings.every((f) => f.baselined)).toBe(true);
  });

  it('fails an expired entry again and reports it', () => {
    const old = entry({ expires: '2026-03-14' });
    const result = applyBaseline([finding()], { entries: [old] }, today);
    expect(result.findings[0]!.baselined).toBe(false);
    expect(result.expired).toEqual([old]);
    expect(result.stale).toEqual([]);
  });

  it('keeps an entry valid through its expiry day', () => {
    const result = applyBaseline([finding()], { entries: [entry({ expires: '2026-03-15' })] }, today);
    expect(result.findings[0]!.baselined).toBe(true);
    expect(result.expired).toEqual([]);
  });

  it('reports entries that match nothing as stale', () => {
    const gone = entry({ fingerprint: 'fp-fixed', pointer: '/services/9' });
    const result = applyBaseline([finding()], { entries: [entry(), gone] }, today);
    expect(result.stale).toEqual([gone]);
  });

  it('keeps findings already baselined by --since', () => {
    const result = applyBaseline([finding({ baselined: true, fingerprint: 'x' })], { entries: [] }, today);
    expect(result.findings[0]!.baselined).toBe(true);
  });
});

describe('isExpired', () => {
  it('handles null, dates and date-times', () => {
    expect(isExpired({ expires: null }, today)).toBe(false);
    expect(isExpired({ expires: '2026-03-16' }, today)).toBe(false);
    expect(isExpired({ expires: '2026-03-14' }, today)).toBe(true);
    expect(isExpired({ expires: '2026-03-15T11:59:00Z' }, today)).toBe(true);
    expect(isExpired({ expires: '2026-03-15T12:01:00Z' }, today)).toBe(false);
  });
});

describe('createBaseline / updateBaseline', () => {
  const findings = [
    finding({ file: 'specs/b.yaml', rule: 'oas-tls-only', fingerprint: 'f3', pointer: '/servers/0/url' }),
    finding(),
    finding({ line: 99 }), // duplicate fingerprint → one entry
    finding({ rule: 'upstream-https', fingerprint: 'f2', pointer: '/services/0/upstream/targets/0/url' }),
  ];

  it('creates one blank entry per distinct finding, in a stable order', () => {
    const b = createBaseline(findings);
    expect(b.entries.map((e) => `${e.file} ${e.rule}`)).toEqual([
      'gateway/payments.yaml route-auth-required',
      'gateway/payments.yaml upstream-https',
      'specs/b.yaml oas-tls-only',
    ]);
    expect(b.entries[0]).toEqual({ ...entry(), reason: '', owner: '', expires: null });
    expect(createBaseline([...findings].reverse())).toEqual(b);
  });

  it('keeps reason, owner and expiry of entries that still match, adds new ones, drops stale ones', () => {
    const old = {
      entries: [
        entry({ expires: '2026-12-31' }),
        entry({ rule: 'tenant-isolation', fingerprint: 'gone', reason: 'fixed since' }),
      ],
    };
    const b = updateBaseline(old, findings);
    expect(b.entries).toHaveLength(3);
    expect(b.entries[0]).toEqual(entry({ expires: '2026-12-31' }));
    expect(b.entries.find((e) => e.rule === 'tenant-isolation')).toBeUndefined();
    expect(b.entries.find((e) => e.rule === 'upstream-https')).toMatchObject({ reason: '', owner: '', expires: null });
  });
});
