import { adapterFor } from './adapters/registry';
import type { RungName } from './config';
import type { ProviderState, RungOutcome } from './ladder-state';
import { modelListed } from './model-names';
import { checkReachability, fetchModels } from './provider-client';
import type { FailureReason } from '../probes/types';

/** A rung outcome that passed. */
export const passed = (rung: RungName, startedAt: number, elapsedMs: number, message: string): RungOutcome => ({ rung, ok: true, skipped: false, reason: null, message, startedAt, elapsedMs });
/** A rung outcome that failed with a bounded reason. */
export const failed = (rung: RungName, startedAt: number, elapsedMs: number, reason: FailureReason, message: string): RungOutcome => ({ rung, ok: false, skipped: false, reason, message, startedAt, elapsedMs });

/** The rung below failed, so this one makes no call; it fails with the lower rung's reason. */
export function blocked(rung: RungName, lower: RungOutcome): RungOutcome {
  const reason = lower.reason ?? 'internal';
  return failed(rung, Date.now(), 0, reason, `not run: the ${lower.rung} rung is failing (${reason}: ${lower.message})`);
}

/** Rung 1, free: DNS, TCP and TLS to the provider's host; no request, no key. */
export async function reachabilityRung(state: ProviderState, signal: AbortSignal): Promise<RungOutcome> {
  const startedAt = Date.now();
  const result = await checkReachability(state.provider.endpoint.baseUrl, signal);
  if (!result.ok) return failed('reachability', startedAt, result.elapsedMs, result.reason, result.message);
  const { dnsMs, connectMs, tlsMs } = result.phases;
  return passed('reachability', startedAt, result.elapsedMs, `reachable in ${result.elapsedMs} ms (dns ${dnsMs} ms, connect ${connectMs} ms${tlsMs === null ? '' : `, tls ${tlsMs} ms`})`);
}

/**
 * Rung 2, free but authenticated: the models list. A refused key (401/403) is `auth`, a wrong path
 * (404) is `http_status`. The configured model missing from the list is only a warning
 * (`amas_provider_model_listed` 0): lists often omit aliases that work.
 */
export async function metadataRung(state: ProviderState, signal: AbortSignal): Promise<RungOutcome> {
  const startedAt = Date.now();
  const { style, endpoint } = state.provider;
  const result = await fetchModels(adapterFor(style), endpoint, signal);
  if (!result.ok) return failed('metadata', startedAt, result.elapsedMs, result.reason, result.message);
  const listed = modelListed(result.models, endpoint.model);
  state.modelListed = listed;
  const note = listed ? `model ${endpoint.model} is listed` : `warning: model ${endpoint.model} is not in the list`;
  return passed('metadata', startedAt, result.elapsedMs, `models list holds ${result.models.length} models; ${note}`);
}
