import { BUDGET_UNITS } from '../ai/budget';
import { CIRCUIT_STATE_VALUE } from '../ai/circuit-breaker';
import { RUNG_NAMES } from '../ai/config';
import type { EgressCanary } from '../ai/egress';
import type { ProviderState } from '../ai/ladder-state';
import type { LadderHooks } from '../ai/ladder-validation';
import { isUsable, providerStatus } from '../ai/provider-status';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/definitions';

type Labels = Record<string, string>;
interface Removable {
  remove(labels: Labels): void;
}

/**
 * Remembers every label set a provider's counters and histograms were given, so that a provider
 * leaving the config takes its series with it (gauges are rebuilt on every scrape instead).
 */
export class ProviderSeries {
  private readonly byProvider = new Map<string, Map<string, { metric: Removable; labels: Labels }>>();

  note(provider: string, metric: Removable, labels: Labels): void {
    let sets = this.byProvider.get(provider);
    if (!sets) this.byProvider.set(provider, (sets = new Map()));
    const key = `${(metric as { name?: string }).name ?? ''}|${JSON.stringify(labels)}`;
    if (!sets.has(key)) sets.set(key, { metric, labels });
  }

  /** Removes the provider's series; with `only`, just those whose labels match it (a model that left). */
  remove(provider: string, only?: Labels): void {
    const sets = this.byProvider.get(provider);
    if (!sets) return;
    for (const [key, { metric, labels }] of sets) {
      if (only && !Object.entries(only).every(([name, value]) => labels[name] === value)) continue;
      metric.remove(labels);
      sets.delete(key);
    }
    if (sets.size === 0) this.byProvider.delete(provider);
  }
}

/** The ladder's events as counters and histograms; logs each validation run's outcome. */
export function metricHooks(metrics: Metrics, series: ProviderSeries, logger: Logger): LadderHooks {
  const count = (provider: string, metric: { inc(labels: Labels, value?: number): void } & Removable, labels: Labels, value = 1): void => {
    metric.inc(labels, value);
    series.note(provider, metric, labels);
  };
  return {
    paidCall(state, event) {
      const provider = state.provider.id;
      count(provider, metrics.aiRequests, { provider, status: event.status, validated: String(event.validated) });
      if (event.latencySeconds !== null) {
        const labels = { provider, model: state.provider.endpoint.model };
        metrics.aiResponseTime.observe(labels, event.latencySeconds);
        series.note(provider, metrics.aiResponseTime, labels);
      }
      if (event.usage) {
        count(provider, metrics.aiTokensUsed, { provider, type: 'prompt' }, event.usage.promptTokens);
        count(provider, metrics.aiTokensUsed, { provider, type: 'completion' }, event.usage.completionTokens);
      }
      if (event.costUsd > 0) count(provider, metrics.aiCostUsd, { provider }, event.costUsd);
      if (event.stream) {
        const labels = { provider, model: state.provider.endpoint.model };
        if (event.stream.ttftSeconds !== null) metrics.aiTimeToFirstToken.observe(labels, event.stream.ttftSeconds);
        for (const gap of event.stream.gapsSeconds) metrics.aiTimePerOutputChunk.observe(labels, gap);
        series.note(provider, metrics.aiTimeToFirstToken, labels);
        series.note(provider, metrics.aiTimePerOutputChunk, labels);
      }
    },
    validationRun(state, run) {
      const provider = state.provider.id;
      const { result } = run;
      metrics.bulletproofValidations.inc({ result: result.result });
      const fields = { component: 'ai', provider, result: result.result, latency_ms: run.latencyMs, duration_ms: run.durationMs };
      if (result.result === 'fake_ai_detected') {
        count(provider, metrics.providerFakeAiDetected, { provider, reason: result.reason });
        logger.warn('fake AI detected', { ...fields, reason: result.reason, detail: result.detail });
      } else if (result.result === 'skipped') {
        count(provider, metrics.providerValidationSkipped, { provider, reason: result.reason });
        logger.info('validation skipped', { ...fields, reason: result.reason, detail: result.detail });
      } else if (result.result === 'error') {
        logger.warn('validation failed', { ...fields, reason: result.reason, detail: result.detail });
      } else {
        logger.info('provider validated', fields);
      }
      // The transcript (already redacted) is for debugging only.
      if (run.transcript) logger.debug('validation transcript', { component: 'ai', provider, transcript: run.transcript, verdicts: run.verdicts });
    },
  };
}

/** Rebuilds every gauge derived from provider state; the series of removed providers vanish with it. */
export function refreshProviderGauges(metrics: Metrics, states: readonly ProviderState[], canary: EgressCanary, now = Date.now()): void {
  const gauges = [
    metrics.providerHealth,
    metrics.providerResponseTime,
    metrics.providerSuccessRate,
    metrics.providerErrorRate,
    metrics.providerBulletproofValidation,
    metrics.providerRungSuccess,
    metrics.providerCircuitState,
    metrics.providerRateLimitRemaining,
    metrics.providerBudgetSpent,
    metrics.providerBudgetRemaining,
    metrics.providerModelListed,
    metrics.egressUp,
    metrics.aiCostUnknown,
    metrics.providerFakeAiRecent,
  ];
  for (const gauge of gauges) gauge.reset();
  const egressDown = canary.isDown(states);
  // Egress is reported down only on evidence: no canary, or none run yet, reads as up.
  metrics.egressUp.set(canary.configured && canary.latest && !canary.latest.ok ? 0 : 1);
  for (const state of states) {
    const provider = state.provider.id;
    const status = providerStatus(state, egressDown);
    metrics.providerHealth.set({ provider, status: status.status }, isUsable(status.status) ? 1 : 0);
    if (!state.provider.configured) continue;
    if (!state.provider.priceKnown) metrics.aiCostUnknown.set({ provider, model: state.provider.endpoint.model }, 1);
    const fakes = state.fakeHistory();
    if (fakes.window_runs > 0) metrics.providerFakeAiRecent.set({ provider }, fakes.runs_in_window);
    if (state.lastLatencyMs !== null) metrics.providerResponseTime.set({ provider }, state.lastLatencyMs / 1000);
    const kinds = state.recentKinds;
    if (kinds.length > 0) {
      const good = kinds.filter((kind) => kind === 'validated').length;
      metrics.providerSuccessRate.set({ provider }, (100 * good) / kinds.length);
      metrics.providerErrorRate.set({ provider }, (100 * (kinds.length - good)) / kinds.length);
    }
    if (state.lastRun) metrics.providerBulletproofValidation.set({ provider, result: state.lastRun.result.result }, 1);
    for (const rung of RUNG_NAMES) {
      const outcome = state.rungs[rung];
      // A run skipped on purpose (over budget) neither passed nor failed: no sample.
      if (outcome && !(outcome.skipped && outcome.ok)) metrics.providerRungSuccess.set({ provider, rung }, outcome.ok ? 1 : 0);
    }
    const circuit = state.circuit.snapshot(now);
    metrics.providerCircuitState.set({ provider }, circuit.state === 'closed' && circuit.deferredUntil !== null ? CIRCUIT_STATE_VALUE.open : CIRCUIT_STATE_VALUE[circuit.state]);
    if (state.rateLimit.requests !== null) metrics.providerRateLimitRemaining.set({ provider, kind: 'requests' }, state.rateLimit.requests);
    if (state.rateLimit.tokens !== null) metrics.providerRateLimitRemaining.set({ provider, kind: 'tokens' }, state.rateLimit.tokens);
    const spent = state.budget.spent(now);
    const remaining = state.budget.remaining(now);
    for (const unit of BUDGET_UNITS) {
      metrics.providerBudgetSpent.set({ provider, unit }, spent[unit]);
      const left = remaining[unit];
      if (left !== undefined) metrics.providerBudgetRemaining.set({ provider, unit }, left);
    }
    if (state.modelListed !== undefined) metrics.providerModelListed.set({ provider, model: state.provider.endpoint.model }, state.modelListed ? 1 : 0);
  }
}
