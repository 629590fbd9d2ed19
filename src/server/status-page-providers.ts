import { isUsable } from '../ai/provider-status';
import { findAiProvidersModule } from '../modules/ai-providers';
import type { Exporter } from '../runtime/exporter';
import type { StatusHistory } from './status-history';

/** Validation runs in a provider's strip. */
const PROVIDER_STRIP_RUNS = 30;

/** One validation run in a provider's strip. */
export interface ValidationMark {
  readonly at: string;
  /** validated, fake_ai_detected, error or skipped. */
  readonly result: string;
  readonly reason: string | null;
  readonly latency_ms: number | null;
}

/** One AI provider as the status page shows it. */
export interface ProviderView {
  readonly id: string;
  readonly model: string;
  readonly configured: boolean;
  /** healthy, degraded, failed, fake_ai, unknown or unconfigured (see docs/health.md). */
  readonly state: string;
  /** Usable by AMAS's router: healthy or degraded. */
  readonly healthy: boolean;
  readonly last_validation: {
    readonly at: string | null;
    /** validated, fake_ai_detected, error or skipped; null before the first run. */
    readonly result: string | null;
    readonly reason: string | null;
    readonly detail: string;
  };
  /** The latest answered call's latency; null before one. */
  readonly latency_ms: number | null;
  /** Bounded reason of the state (validated, a failure or fake-AI reason, pending, ...). */
  readonly reason: string;
  readonly message: string;
  /** The last validation runs (oldest first); uptime is the share of validation runs that validated. */
  readonly history: { readonly runs: readonly ValidationMark[]; readonly uptime_1h: number | null; readonly uptime_24h: number | null };
}

/** The providers in priority order with their state, from the AI provider module's memory. */
export function providerViews(exporter: Exporter, history?: StatusHistory): ProviderView[] {
  const module = findAiProvidersModule(exporter.modules);
  if (!module) return [];
  return module.providers().map((summary) => {
    const runs = module.validationHistory(summary.id) ?? [];
    const last = runs[0];
    const timed = runs.find((run) => run.latencyMs !== null);
    return {
      id: summary.id,
      model: summary.model,
      configured: summary.configured,
      state: summary.status.status,
      healthy: isUsable(summary.status.status),
      last_validation: {
        at: last ? new Date(last.startedAt).toISOString() : null,
        result: last?.result.result ?? null,
        reason: last && 'reason' in last.result ? last.result.reason : null,
        detail: last?.result.detail ?? '',
      },
      latency_ms: timed?.latencyMs ?? null,
      reason: summary.status.reason,
      message: summary.status.message,
      history: {
        runs: runs.slice(0, PROVIDER_STRIP_RUNS).reverse().map((run) => ({ at: new Date(run.startedAt).toISOString(), result: run.result.result, reason: 'reason' in run.result ? run.result.reason : null, latency_ms: run.latencyMs })),
        ...(() => {
          const view = history?.view(`ai_${summary.id}_validation`);
          return { uptime_1h: view?.uptime_1h ?? null, uptime_24h: view?.uptime_24h ?? null };
        })(),
      },
    };
  });
}
