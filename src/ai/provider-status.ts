import type { ProviderState } from './ladder-state';

/**
 * A provider's state as /health and `amas_provider_health{status}` report it:
 * - `healthy`: every rung passes and the latest validation validated.
 * - `degraded`: validated, with a warning: the model is missing from the models list, or the call
 *   took longer than the catalogue's expected latency; or rate limited (a 429, or waiting out its
 *   Retry-After), which says the provider works but wants fewer calls. Still usable.
 * - `failed`: a rung fails (unreachable, refused key, provider errors) or the circuit is open.
 * - `fake_ai`: a validation caught a reply no live model would give, and fewer than
 *   `ai.verdict.clear_after` clean validations followed it (sticky: an intermittent fake stays flagged).
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
  const { verdict } = state;
  if (verdict.fakeSince !== null) {
    const history = state.fakeHistory();
    const streak = history.clean_streak > 0 ? `; ${history.clean_streak} of ${history.clear_after} clean validations needed to clear it` : '';
    return info('fake_ai', verdict.reason ?? 'wrong_answer', `fake AI detected (${verdict.reason}) since ${history.since}: ${history.runs_in_window} of the last ${history.window_runs} validations${streak}`);
  }
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
      if (result.reason === 'rate_limited') return info('degraded', 'rate_limited', `rate limited: ${result.detail}`);
      if (result.reason === 'circuit_open') return info('failed', circuit.lastFailure ?? 'circuit_open', `circuit open: ${result.detail}`);
      return info('unknown', result.reason, `validation skipped (${result.reason}): ${result.detail}`);
    case 'error':
      if (result.reason === 'rate_limited') return info('degraded', 'rate_limited', `rate limited (HTTP 429); the provider answers, the next call waits: ${result.detail}`);
      return info('failed', result.reason, `validation failed (${result.reason}): ${result.detail}`);
    case 'fake_ai_detected':
      // Only reached when the verdict memory was reset (a config change) after this run.
      return info('unknown', 'pending', 'not validated under the current config yet');
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
