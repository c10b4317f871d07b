import type { EffectivePolicy, GatewayModel } from '../../../model/gateway.js';
import type { Change, UnenforcedPolicy } from '../../../model/plan.js';
import { dropZeroValues } from '../../../plan/canonical.js';
import type { DiffObject } from '../../../plan/diff.js';
import type { ApplyOutcome, DesiredState, Driver, LiveState, RenderInput } from '../../driver.js';
import { HttpClient, type HttpClientOptions } from '../../http.js';
import { CADDY_CAPABILITIES } from './capabilities.js';
import { fetchCaddy } from './fetch.js';
import { maskCaddy } from './mask.js';
import { applyCaddy } from './operate.js';
import { transformCaddy } from './transform.js';
import type { CaddyNative, CaddyOptions, CaddySnapshot } from './types.js';
import { validateCaddy } from './validate.js';

const PLAINTEXT = new Set(['http', 'ws', 'grpc']);

export class CaddyDriver implements Driver {
  readonly name = 'caddy';
  readonly product = 'Caddy';
  readonly capabilities = CADDY_CAPABILITIES;
  readonly kindOrder = ['tls-certificate', 'tls-policy', 'server', 'route'] as const;
  readonly targetOptions: Record<string, unknown>;
  private readonly http: HttpClient;

  constructor(private readonly options: CaddyOptions, http: Omit<HttpClientOptions, 'driver' | 'product'>) {
    this.http = new HttpClient({ ...http, driver: 'caddy', product: 'Caddy' });
    this.targetOptions = {
      server: options.server,
      ...(options.listen ? { listen: options.listen.join(',') } : {}),
      tls: options.tls.mode,
    };
  }

  /** Caddy's admin API has no version endpoint; a small config read proves it answers. */
  async ping(): Promise<{ version?: string }> {
    await this.http.request('GET', '/config/admin');
    return {};
  }

  fetchLive(): Promise<LiveState> {
    return fetchCaddy(this.http, this.options);
  }

  unenforced(policies: readonly EffectivePolicy[], _model: GatewayModel): UnenforcedPolicy[] {
    if (this.options.tls.mode !== 'off') return [];
    const out: UnenforcedPolicy[] = [];
    for (const p of policies) {
      if (p.service.lifecycle === 'draft') continue;
      if (!p.protocols.some((proto) => PLAINTEXT.has(proto))) {
        out.push({ policy: 'tls', service: p.service.name, route: p.route.name, reason: `the target's tls is off, so Caddy serves ${p.protocols.join('/')} routes over plain HTTP` });
      }
    }
    return out;
  }

  transform(input: RenderInput): DesiredState {
    return transformCaddy(input, this.options, input.live.raw as CaddySnapshot);
  }

  validate(desired: DesiredState, live: LiveState): string[] {
    return validateCaddy(desired.native as CaddyNative, live.raw as CaddySnapshot);
  }

  normalize(value: unknown): unknown {
    return dropZeroValues(value);
  }

  mask(_object: DiffObject, value: unknown): unknown {
    return maskCaddy(value);
  }

  apply(changes: readonly Change[], desired: DesiredState, live: LiveState): Promise<ApplyOutcome> {
    return applyCaddy(this.http, this.options, changes, desired.native as CaddyNative, live.raw as CaddySnapshot);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
