import type { ProviderState } from '../ai/ladder-state';
import { isUsable, type ProviderStatus, type ProviderStatusInfo } from '../ai/provider-status';
import type { CheckStatus, HealthCheck, HealthContribution, ReadyState } from '../server/health-model';

const CHECK_STATUS: Readonly<Record<ProviderStatus, CheckStatus>> = {
  healthy: 'pass',
  degraded: 'warn',
  failed: 'fail',
  fake_ai: 'fail',
  unknown: 'unknown',
  unconfigured: 'unknown',
};

/** How many providers a summary line names before "and N more". */
const NAMED = 5;

function summary(items: readonly string[]): string {
  return items.length <= NAMED ? items.join(', ') : `${items.slice(0, NAMED).join(', ')} and ${items.length - NAMED} more`;
}

function providerCheck(state: ProviderState, info: ProviderStatusInfo): HealthCheck {
  const last = state.lastRun;
  return {
    name: `ai_provider_${state.provider.id}`,
    status: CHECK_STATUS[info.status],
    message: info.message,
    response_time_ms: state.lastLatencyMs,
    last_run: last ? new Date(last.startedAt).toISOString() : null,
    provider_status: info.status,
    reason: info.reason,
    model: state.provider.endpoint.model,
    fake_ai: state.fakeHistory(),
  };
}

/**
 * The AI providers' share of /health and /ready:
 * - `unhealthy` when providers are configured, none is usable (healthy or degraded) and at least one
 *   has a failing verdict; when every one is merely `unknown` (not validated yet, over budget, no
 *   egress) that is `degraded`: nothing is known to be wrong with AMAS's providers.
 * - `degraded` for each configured provider that is failed or flagged as fake AI.
 */
export function aiHealth(states: readonly ProviderState[], statuses: ReadonlyMap<string, ProviderStatusInfo>): HealthContribution {
  const configured = states.filter((state) => state.provider.configured);
  const statusOf = (state: ProviderState): ProviderStatusInfo => statuses.get(state.provider.id) as ProviderStatusInfo;
  const usable = configured.filter((state) => isUsable(statusOf(state).status));
  const failing = configured.filter((state) => ['failed', 'fake_ai'].includes(statusOf(state).status));
  const fakes = configured.filter((state) => statusOf(state).status === 'fake_ai');
  const validatedRuns = configured.filter((state) => state.lastVerdictRun?.result.result === 'validated' && isUsable(statusOf(state).status));
  const validationActive = configured.length > 0;
  const detection = configured.some((state) => Object.values(state.provider.validators).some((validator) => validator.enabled));
  const latestValidated = validatedRuns.map((state) => state.lastVerdictRun?.startedAt ?? 0).reduce((a, b) => Math.max(a, b), 0);

  const unhealthy: string[] = [];
  const degraded: string[] = [];
  const describe = (state: ProviderState): string => `${state.provider.id} ${statusOf(state).status} (${statusOf(state).reason})`;
  if (configured.length > 0 && usable.length === 0) {
    if (failing.length > 0) unhealthy.push(`no AI provider is usable: ${summary(failing.map(describe))}`);
    else degraded.push(`no AI provider verified yet: ${summary(configured.map(describe))}`);
  }
  for (const state of failing) {
    const info = statusOf(state);
    degraded.push(info.status === 'fake_ai' ? `AI provider ${state.provider.id} flagged as fake AI (${info.reason})` : `AI provider ${state.provider.id} failing (${info.reason})`);
  }

  let aiRouter: ReadyState = 'not_configured';
  if (configured.length > 0) aiRouter = usable.length > 0 ? 'ready' : failing.length > 0 ? 'not_ready' : 'unknown';

  const bulletproofCheck: HealthCheck = {
    name: 'bulletproof_validation',
    status: !validationActive ? 'unknown' : fakes.length > 0 ? 'fail' : validatedRuns.length > 0 ? 'pass' : 'unknown',
    message: !validationActive
      ? 'No AI provider is configured, so nothing is validated'
      : fakes.length > 0
        ? `Fake AI detected: ${summary(fakes.map(describe))}`
        : `Fake AI detection operational; ${validatedRuns.length} of ${configured.length} providers validated`,
    response_time_ms: null,
    last_run: null,
    last_validated: latestValidated > 0 ? new Date(latestValidated).toISOString() : null,
  };

  return {
    bulletproof: { validation_active: validationActive, fake_ai_detection: validationActive && detection, providers_validated: validatedRuns.length },
    ai_providers: {
      total_configured: configured.length,
      healthy: usable.length,
      failed: failing.length,
      primary_active: usable[0]?.provider.id ?? null,
      failover_ready: usable.length >= 2,
    },
    ready_services: { ai_router: aiRouter },
    providers_ready: usable.length,
    // Providers without a key are reported by amas_provider_health{status="unconfigured"}; /health lists what is watched.
    checks: validationActive ? [...configured.map((state) => providerCheck(state, statusOf(state))), bulletproofCheck] : [],
    unhealthy,
    degraded,
  };
}
