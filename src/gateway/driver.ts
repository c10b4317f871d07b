import type { AuthType, EffectivePolicy, GatewayModel } from '../model/gateway.js';
import type { Change, UnenforcedPolicy } from '../model/plan.js';
import type { DiffObject } from '../plan/diff.js';
import type { SecretResolver } from './secrets.js';

/**
 * What every gateway driver implements (ADC's Backend shape): fetch the live state, transform the
 * model into native desired state, validate what the gateway itself would not, apply a plan.
 * Drivers declare capabilities; whatever a config asks for beyond them is refused (fail closed)
 * unless the user accepts it with --allow-unenforced.
 */

export interface Capabilities {
  /** auth types the driver enforces (`none` is always fine) */
  auth: readonly AuthType[];
  rateLimit: boolean;
  /** TLS modes the target option `tls` may take */
  tls: readonly string[];
  /** weighted load balancing across upstream targets */
  weights: boolean;
  /** AI token budgets */
  tokenBudget: boolean;
}

/** The managed part of the gateway, as the driver read it. */
export interface LiveState {
  /** the gateway's version marker for optimistic concurrency (Caddy: the config ETag) */
  etag?: string;
  /** managed objects only (ownership marker present), in gateway order */
  objects: DiffObject[];
  /** notes about what was seen (unmanaged routes inside the managed server, …) */
  notes: string[];
  /** the driver's full snapshot, for operate */
  raw: unknown;
}

export interface DesiredState {
  objects: DiffObject[];
  notes: string[];
  /** the driver's native documents, for operate */
  native: unknown;
}

export interface RenderInput {
  model: GatewayModel;
  policies: EffectivePolicy[];
  secrets: SecretResolver;
  live: LiveState;
  /** keep live managed objects the config no longer has (apply --no-delete) */
  noDelete?: boolean;
  /** shows a file path the way messages do */
  display(file: string): string;
}

/**
 * One write of an apply, and whether it is in effect on the gateway:
 * - `done`: it took effect (the gateway acknowledged it, or a re-read showed it landed);
 * - `failed`: it did not take effect (refused, or never sent, or a re-read shows the config unchanged);
 * - `undone`: it took effect and was reverted after a later failure;
 * - `undo-failed`: it took effect and could not be reverted: it is still in effect;
 * - `unknown`: the answer was lost and the gateway could not be re-read: it may or may not be in effect.
 */
export type ApplyStepStatus = 'done' | 'failed' | 'undone' | 'undo-failed' | 'unknown';

export interface ApplyStep {
  /** what the step does, e.g. `PATCH /config/apps/http/servers/gwctl` */
  request: string;
  description: string;
  status: ApplyStepStatus;
  error?: string;
  /** how the status was established when the answer was lost (`re-read: the config is unchanged`) */
  note?: string;
  /** why undoing the step failed (status undo-failed, or unknown when the undo's answer was lost) */
  undoError?: string;
}

export interface ApplyOutcome {
  steps: ApplyStep[];
  /** writes that were planned but never attempted, because an earlier one failed */
  pending?: Array<{ request: string; description: string }>;
  /** the etag after the last successful step */
  etag?: string;
  /** set when the apply failed; the steps tell what was undone */
  error?: Error;
}

export interface Driver {
  readonly name: string;
  /** product name for messages (`Caddy`) */
  readonly product: string;
  readonly capabilities: Capabilities;
  /** non-secret target options, recorded in the plan */
  readonly targetOptions: Record<string, unknown>;
  /** kinds in dependency order (created top-down, deleted bottom-up) */
  readonly kindOrder: readonly string[];
  /** reachability (and the gateway's version, when its admin API tells) */
  ping(): Promise<{ version?: string }>;
  fetchLive(): Promise<LiveState>;
  /** policies the target cannot enforce for this model, beyond the capability table */
  unenforced(policies: readonly EffectivePolicy[], model: GatewayModel): UnenforcedPolicy[];
  transform(input: RenderInput): DesiredState;
  /** what the gateway would accept but fail on at request time; empty when fine */
  validate(desired: DesiredState, live: LiveState): string[];
  /** normalises server-side defaults, applied to both sides before diffing */
  normalize(value: unknown): unknown;
  /** replaces secret positions with `(secret)` */
  mask(object: DiffObject, value: unknown): unknown;
  apply(changes: readonly Change[], desired: DesiredState, live: LiveState): Promise<ApplyOutcome>;
  close(): Promise<void>;
}
