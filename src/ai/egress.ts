import type { Probe } from '../probes/types';
import { failure, success } from '../probes/types';
import type { ScheduledTask } from '../scheduler/scheduler';
import type { AiConfig } from './config';
import type { ProviderState } from './ladder-state';
import { checkReachability } from './provider-client';

/** Task name of the egress canary. */
export const EGRESS_TASK = 'ai_egress_canary';

/**
 * A host outside the cluster reached the way a provider's base URL is (DNS, TCP, TLS). When it
 * fails and so does every configured provider, the fault is the exporter's own way out (a network
 * policy, a proxy, DNS), so providers are reported `unknown` with reason `egress` rather than as
 * many separate outages.
 */
export class EgressCanary {
  private url = '';
  private intervalMs = 30_000;
  private timeoutMs = 5000;
  /** The latest canary result; undefined before the first run or without a canary. */
  latest: { readonly ok: boolean; readonly message: string; readonly at: number } | undefined;

  configure(ai: AiConfig): void {
    if (ai.egress.canary_url !== this.url) this.latest = undefined;
    this.url = ai.enabled ? ai.egress.canary_url : '';
    this.intervalMs = ai.egress.interval;
    this.timeoutMs = Math.min(ai.egress.timeout, ai.egress.interval);
  }

  get configured(): boolean {
    return this.url !== '';
  }

  task(): ScheduledTask | undefined {
    if (!this.url) return undefined;
    const url = this.url;
    const probe: Probe = {
      run: async ({ signal }) => {
        const result = await checkReachability(url, signal);
        this.latest = { ok: result.ok, message: result.ok ? `reachable in ${result.elapsedMs} ms` : result.message, at: Date.now() };
        return result.ok ? success(this.latest.message) : failure(result.reason, result.message);
      },
      close: async () => undefined,
    };
    return { name: EGRESS_TASK, fingerprint: `${url}|${this.intervalMs}|${this.timeoutMs}`, intervalMs: this.intervalMs, timeoutMs: this.timeoutMs, probe };
  }

  /** True when the canary fails and so does the reachability of every configured provider. */
  isDown(states: readonly ProviderState[]): boolean {
    if (!this.url || !this.latest || this.latest.ok) return false;
    const configured = states.filter((state) => state.provider.configured);
    return configured.length > 0 && configured.every((state) => state.rungs.reachability !== undefined && !state.rungs.reachability.ok);
  }
}
