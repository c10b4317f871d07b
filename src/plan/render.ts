import type { Change, FieldChange, Plan, UnenforcedPolicy } from '../model/plan.js';

/**
 * The plan as text: one block per object (+ create, ~ update, - delete) with field-level changes
 * for updates, then a one-line summary. Values are already masked; this file only formats.
 */

export interface RenderOptions {
  color?: boolean;
  /** the heading's verb: `plan` (what apply would do) or `drift` (how live differs) */
  mode?: 'plan' | 'drift';
}

const SYMBOL = { create: '+', update: '~', delete: '-' } as const;

export function renderPlan(plan: Plan, options: RenderOptions = {}): string {
  const paint = painter(options.color ?? false);
  const lines: string[] = [];
  const target = plan.target;
  const options_ = Object.entries(target.options).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  lines.push(`${options.mode === 'drift' ? 'Drift' : 'Plan'} for ${target.driver} at ${target.url}${target.name ? ` (target ${target.name})` : ''}${options_ ? `: ${options_}` : ''}`);
  lines.push(`lint: ${plan.lint.errors} errors, ${plan.lint.warnings} warnings · inputs ${plan.inputs.hash.slice(0, 12)} · live ${plan.live.fingerprint.slice(0, 12)}`);
  for (const line of unenforcedLines(plan.unenforced, options.mode === 'drift')) lines.push(paint.yellow(line));
  for (const note of plan.notes) lines.push(`note: ${note}`);
  lines.push('');

  if (plan.changes.length === 0) {
    lines.push(options.mode === 'drift'
      ? 'No drift: the live gateway matches the config.'
      : 'No changes: the live gateway matches the config.');
    return lines.join('\n') + '\n';
  }
  for (const change of plan.changes) {
    lines.push(...renderChange(change as Change & { summary?: string[] }, paint));
  }
  lines.push('');
  const s = plan.summary;
  lines.push(`${options.mode === 'drift' ? 'Drift' : 'Plan'}: ${s.create} to create, ${s.update} to update, ${s.delete} to delete.`);
  return lines.join('\n') + '\n';
}

export function unenforcedLines(unenforced: readonly UnenforcedPolicy[], drift = false): string[] {
  const byPolicy = new Map<string, UnenforcedPolicy[]>();
  for (const item of unenforced) {
    const list = byPolicy.get(item.policy);
    if (list) list.push(item);
    else byPolicy.set(item.policy, [item]);
  }
  const lines: string[] = [];
  for (const [policy, items] of byPolicy) {
    const where = items.map((i) => (i.route ? `${i.service}/${i.route}` : i.service));
    const shown = where.length > 6 ? `${where.slice(0, 6).join(', ')} and ${where.length - 6} more` : where.join(', ');
    lines.push(`warning: ${policy} is NOT enforced (${items[0]!.reason}) for ${shown}${drift ? '' : `; accepted with --allow-unenforced ${policy}`}.`);
  }
  return lines;
}

function renderChange(change: Change & { summary?: string[] }, paint: Painter): string[] {
  const color = change.action === 'create' ? paint.green : change.action === 'delete' ? paint.red : paint.yellow;
  const head = `  ${SYMBOL[change.action]} ${change.action} ${change.kind} ${change.key}${change.label ? ` (${change.label})` : ''}`;
  const lines = [color(head)];
  if (change.action !== 'update') {
    for (const line of change.summary ?? []) lines.push(`      ${line}`);
    return lines;
  }
  const fields = change.fields;
  const shown = fields.slice(0, 40);
  for (const field of shown) lines.push(`      ${fieldLine(field)}`);
  if (fields.length > shown.length) lines.push(`      … and ${fields.length - shown.length} more fields (see plan -o plan.json)`);
  return lines;
}

function fieldLine(field: FieldChange): string {
  const before = 'before' in field ? value(field.before) : '(none)';
  const after = 'after' in field ? value(field.after) : '(none)';
  return `${field.path || '(whole object)'}: ${before} → ${after}`;
}

function value(v: unknown): string {
  const text = typeof v === 'string' ? (v === '(secret)' ? v : JSON.stringify(v)) : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

interface Painter {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

function painter(color: boolean): Painter {
  const wrap = (code: number) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[39m` : s);
  return { green: wrap(32), red: wrap(31), yellow: wrap(33) };
}
