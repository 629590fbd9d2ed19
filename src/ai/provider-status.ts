import type { ProviderState } from './ladder-state';

/**
 * A provider's state as /health and `amas_provider_health{status}` report it:
 * - `healthy`: every rung passes and the latest validation validated.
 * - `degraded`: validated, with a warning: the model is missing from the models list, or the call
 *   took longer than the catalogue's expected latency. Still usable.
 * - `failed`: a rung fails (unreachable, refused key, provider errors) or the circuit is open.
 * - `fake_ai`: the latest validation caught a reply no live model would give.
 * - `unknown`: no verdict: not validated yet, over today's budget, or the exporter's own egress is down.
 * - `unconfigured`: no key (or a keyless provider nobody asked for); no calls are made.
 */
export const PROVIDER_STATUSES = ['healthy', 'degraded', 'failed', 'fake_ai', 'unknown', 'unconfigured'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export interface ProviderStatusInfo {
  readonly status: ProviderStatus;
  /** Bounded: a failure, fake-AI or skip reason, or validated, model_not_listed, slow, pending. */
  readonly reason: string;
  readonly message: string;
}

/** Usable for AMAS's router: healthy or degraded. */
export const isUsable = (status: ProviderStatus): boolean => status === 'healthy' || status === 'degraded';

const info = (status: ProviderStatus, reason: string, message: string): ProviderStatusInfo => ({ status, reason, message });

/** Derives the status from memory only (no I/O), so scrapes and /health never wait. */
export function providerStatus(state: ProviderState, egressDown: boolean): ProviderStatusInfo {
  const { provider } = state;
  if (!provider.configured) return info('unconfigured', 'unconfigured', `not configured: ${provider.unconfiguredReason}`);
  if (egressDown) return info('unknown', 'egress', 'unknown: the egress canary and every provider are unreachable, so the fault is the exporter’s own network');
  for (const rung of ['reachability', 'metadata'] as const) {
    const outcome = state.rungs[rung];
    if (outcome && !outcome.ok) return info('failed', outcome.reason ?? 'internal', `${rung} failing: ${outcome.message}`);
  }
  const circuit = state.circuit.snapshot();
  if (circuit.authLocked) return info('failed', 'auth', 'the provider refused the key; paid calls stop until the key or the provider config changes');
  const last = state.lastRun;
  if (!last) return info('unknown', 'pending', 'not validated yet');
  const { result } = last;
  switch (result.result) {
    case 'skipped':
      if (result.reason === 'circuit_open') return info('failed', circuit.lastFailure ?? 'circuit_open', `circuit open: ${result.detail}`);
      return info('unknown', result.reason, `validation skipped (${result.reason}): ${result.detail}`);
    case 'error':
      return info('failed', result.reason, `validation failed (${result.reason}): ${result.detail}`);
    case 'fake_ai_detected':
      return info('fake_ai', result.reason, `fake AI detected (${result.reason}): ${result.detail}`);
    case 'validated': {
      if (state.modelListed === false) return info('degraded', 'model_not_listed', `validated, but ${provider.endpoint.model} is missing from the models list`);
      const slowAfter = provider.expectedLatencySeconds?.[1];
      if (slowAfter !== undefined && last.latencyMs !== null && last.latencyMs > slowAfter * 1000) {
        return info('degraded', 'slow', `validated in ${(last.latencyMs / 1000).toFixed(1)} s, slower than the expected ${slowAfter} s`);
      }
      return info('healthy', 'validated', `validated ${new Date(last.startedAt).toISOString()} in ${last.latencyMs ?? 0} ms`);
    }
  }
}
