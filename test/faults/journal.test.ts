import { describe, expect, it } from 'vitest';
import { gatewaySentence, journalResult, outcomeRecord } from '../../src/apply/journal.js';
import type { ApplyOutcome, ApplyStep } from '../../src/gateway/driver.js';

/** The journal's account of an outcome, from the steps' statuses alone. */

const step = (request: string, status: ApplyStep['status']): ApplyStep => ({ request, description: request, status });
const A = 'PUT /config/apps/tls';
const B = 'PATCH /config/apps/http/servers/gwctl';

describe('outcomeRecord / journalResult', () => {
  const cases: Array<[string, ApplyOutcome, boolean, ReturnType<typeof journalResult>, ReturnType<typeof outcomeRecord>['gateway']]> = [
    ['all done', { steps: [step(A, 'done'), step(B, 'done')] }, false, 'applied', 'new'],
    ['first failed, second never sent', { steps: [step(A, 'failed')], pending: [{ request: B, description: B }] }, true, 'failed', 'old'],
    ['second failed, first undone', { steps: [step(A, 'undone'), step(B, 'failed')] }, true, 'rolled-back', 'old'],
    ['second failed, first could not be undone', { steps: [step(A, 'undo-failed'), step(B, 'failed')] }, true, 'undo-failed', 'partial'],
    ['only write acknowledged, verify and undo failed', { steps: [step(B, 'undo-failed')] }, true, 'undo-failed', 'new'],
    ['answer lost, nothing could be re-read', { steps: [step(A, 'undo-failed'), step(B, 'unknown')] }, true, 'unknown', 'unknown'],
  ];
  it.each(cases)('%s', (_name, outcome, failed, result, gateway) => {
    expect(journalResult(outcome.steps, failed)).toBe(result);
    expect(outcomeRecord(outcome).gateway).toBe(gateway);
  });

  it('lists requests by what became of them', () => {
    expect(outcomeRecord({ steps: [step(A, 'undo-failed'), step(B, 'failed')], pending: [{ request: 'DELETE /x', description: '' }] })).toMatchObject({
      done: [A], undone: [], notApplied: [B, 'DELETE /x'], unknown: [],
    });
    expect(outcomeRecord({ steps: [step(A, 'undone'), step(B, 'unknown')] })).toMatchObject({ done: [A], undone: [A], notApplied: [], unknown: [B] });
  });

  it('says in one sentence what the gateway holds', () => {
    const record = outcomeRecord({ steps: [step(A, 'undo-failed'), step(B, 'unknown')] });
    expect(gatewaySentence(record, 'Caddy')).toBe(`Whether Caddy applied the change is unknown: its answer was lost and it could not be re-read (in effect: ${A}; unknown: ${B}). Check with gwctl drift once it answers, then re-run gwctl apply.`);
    expect(gatewaySentence(outcomeRecord({ steps: [step(A, 'undone'), step(B, 'failed')] }), 'Caddy')).toBe('Caddy still has its previous config: nothing of this apply is in effect.');
  });
});
