import type { ServedResult } from '../ai/fleet-gate';
import type { ProviderState } from '../ai/ladder-state';
import { CLUSTER_STATES, type ClusterState } from '../cluster/cluster-mode';
import type { Metrics } from '../metrics/definitions';
import type { CheckStatus, HealthCheck } from '../server/health-model';

const CHECK: Readonly<Record<ClusterState, CheckStatus>> = { standalone: 'pass', connecting: 'unknown', shared: 'pass', degraded: 'warn' };
const MESSAGE: Readonly<Record<ClusterState, string>> = {
  standalone: 'fleet mode off: this pod validates alone',
  connecting: 'fleet mode: waiting for Redis',
  shared: 'fleet mode: paid validation shared through Redis',
  degraded: 'fleet mode degraded: Redis unreachable or slow; validating alone at the fallback rate',
};

/** The fleet's line in /health `checks`. */
export function clusterCheck(state: ClusterState, redis: string, pod: string): HealthCheck {
  return { name: 'cluster', status: CHECK[state], message: MESSAGE[state], response_time_ms: null, last_run: null, cluster_state: state, redis, pod };
}

/**
 * Rebuilds the fleet gauges: the state, and per provider whether the served result is shared,
 * from which pod, its age and whether it is stale. Providers without a served result have none.
 */
export function refreshFleetGauges(metrics: Metrics, state: ClusterState, providers: readonly ProviderState[], served: ReadonlyMap<string, ServedResult>, maxAgeMs: number, now = Date.now()): void {
  for (const name of CLUSTER_STATES) metrics.clusterState.set({ state: name }, name === state ? 1 : 0);
  metrics.providerValidationShared.reset();
  metrics.providerValidationResultAge.reset();
  metrics.providerValidationStale.reset();
  for (const provider of providers) {
    const id = provider.provider.id;
    const result = served.get(id);
    if (!result) continue;
    const ageMs = Math.max(0, now - result.startedAt);
    metrics.providerValidationShared.set({ provider: id, origin_pod: result.pod }, result.shared ? 1 : 0);
    metrics.providerValidationResultAge.set({ provider: id }, ageMs / 1000);
    metrics.providerValidationStale.set({ provider: id }, ageMs > maxAgeMs ? 1 : 0);
  }
}
