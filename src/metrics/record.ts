import type { ResultStore } from '../scheduler/result-store';
import { OBSERVED_FAMILIES, type Metrics } from './definitions';

/**
 * Rebuilds the probe families and the observed gauge families from the result store. Runs before
 * every scrape and reads memory only; since it starts from empty families, the series of a probe
 * that left the config disappear at the next scrape.
 */
export function refreshProbeMetrics(metrics: Metrics, store: ResultStore): void {
  metrics.probeSuccess.reset();
  metrics.probeDuration.reset();
  metrics.probeLastRun.reset();
  metrics.probeRuns.reset();
  metrics.probeFailures.reset();
  for (const name of Object.values(OBSERVED_FAMILIES)) metrics[name].reset();

  for (const record of store.all()) {
    const probe = record.name;
    metrics.probeRuns.inc({ probe }, record.runs);
    for (const [reason, count] of record.failures) metrics.probeFailures.inc({ probe, reason }, count);
    const latest = record.latest;
    if (!latest) continue;
    metrics.probeSuccess.set({ probe }, latest.outcome.ok ? 1 : 0);
    metrics.probeDuration.set({ probe }, latest.durationSeconds);
    metrics.probeLastRun.set({ probe }, latest.startedAt / 1000);
    for (const observation of latest.observations) {
      metrics[OBSERVED_FAMILIES[observation.family]].set(observation.labels, observation.value);
    }
  }
}
