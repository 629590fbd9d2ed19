import { randomUUID } from 'node:crypto';
import type { AiConfig } from '../ai/config';
import { EgressCanary } from '../ai/egress';
import { Ladder, type LadderReport, type LadderRunOptions } from '../ai/ladder';
import { ladderSettings, ProviderState, type RungOutcome } from '../ai/ladder-state';
import { providerStatus, type ProviderStatusInfo } from '../ai/provider-status';
import { resolveProviders } from '../ai/resolve-providers';
import type { ValidationRun } from '../ai/run-history';
import type { ExporterConfig } from '../config/schema';
import type { ScheduledTask } from '../scheduler/scheduler';
import type { HealthContribution } from '../server/health-model';
import { aiHealth } from './ai-providers-health';
import { metricHooks, ProviderSeries, refreshProviderGauges } from './ai-providers-metrics';
import type { ExporterModule, ModuleDeps } from './types';

export const AI_PROVIDERS_MODULE = 'ai_providers';

/** One provider as the CLI and the admin API list it. */
export interface ProviderSummary {
  readonly id: string;
  readonly style: string;
  readonly model: string;
  readonly priority: number;
  readonly configured: boolean;
  /** The env var the key came from, "api_key", or null; never the key. */
  readonly keySource: string | null;
  readonly status: ProviderStatusInfo;
}

/** The AI-providers module, with what the CLI (`test-provider`, ...) and the admin API build on. */
export interface AiProvidersModule extends ExporterModule {
  readonly name: typeof AI_PROVIDERS_MODULE;
  /** Every reported provider in priority order, with its current status. */
  providers(): ProviderSummary[];
  /**
   * Runs all three rungs of one provider now (same code as the schedule, same budget and circuit
   * rules) and reports each rung and validator in detail; undefined for an unknown provider id.
   */
  runLadderOnce(providerId: string, options?: LadderRunOptions): Promise<LadderReport | undefined>;
  /** The provider's last validation runs, newest first, transcripts redacted; undefined for an unknown id. */
  validationHistory(providerId: string): readonly ValidationRun[] | undefined;
}

/** Finds the AI-providers module among the exporter's modules. */
export function findAiProvidersModule(modules: readonly ExporterModule[]): AiProvidersModule | undefined {
  return modules.find((module): module is AiProvidersModule => module.name === AI_PROVIDERS_MODULE);
}

/**
 * The `ai:` section: per provider a probe ladder (reachability, models list, paid validation with
 * a challenge and the fake-AI validators), a daily budget and a circuit breaker, plus an egress
 * canary. State survives reloads for providers whose config did not change.
 */
export function createAiProvidersModule(deps: ModuleDeps): AiProvidersModule {
  const logger = deps.logger.child({ component: 'ai' });
  const series = new ProviderSeries();
  const canary = new EgressCanary();
  let states = new Map<string, ProviderState>();
  let tasks: ScheduledTask[] = [];
  const list = (): ProviderState[] => [...states.values()];
  const egressDown = (): boolean => canary.isDown(list());

  const recordOutside = (name: string, outcome: RungOutcome): void => {
    const message = deps.secrets.redact(outcome.message);
    deps.store.record({
      probe: name,
      correlationId: randomUUID(),
      startedAt: outcome.startedAt,
      durationSeconds: outcome.elapsedMs / 1000,
      outcome: outcome.ok ? { ok: true, message } : { ok: false, reason: outcome.reason ?? 'internal', message },
      observations: [],
    });
  };
  const ladder = new Ladder({
    hooks: metricHooks(deps.metrics, series, logger),
    redact: (value) => deps.secrets.redactValue(value),
    egressDown,
    recordOutside,
    logger,
  });

  const statuses = (): Map<string, ProviderStatusInfo> => {
    const down = egressDown();
    return new Map(list().map((state) => [state.provider.id, providerStatus(state, down)]));
  };

  function apply(ai: AiConfig): void {
    const resolved = resolveProviders(ai, deps.env ?? process.env);
    // Every key is known to the redactor before any call can be made with it.
    for (const provider of resolved) if (provider.endpoint.apiKey) deps.secrets.add(provider.endpoint.apiKey);
    const settings = ladderSettings(ai);
    const next = new Map<string, ProviderState>();
    for (const provider of resolved) {
      const existing = states.get(provider.id);
      if (existing) {
        const oldModel = existing.provider.endpoint.model;
        existing.update(provider, settings);
        if (oldModel !== provider.endpoint.model) series.remove(provider.id, { model: oldModel });
        next.set(provider.id, existing);
      } else {
        next.set(provider.id, new ProviderState(provider, settings));
      }
    }
    for (const id of states.keys()) if (!next.has(id)) series.remove(id);
    states = next;
    canary.configure(ai);
    // The canary only tells provider outages from the exporter's own; without providers it has no job.
    const canaryTask = list().some((state) => state.provider.configured) ? canary.task() : undefined;
    tasks = [...(canaryTask ? [canaryTask] : []), ...list().flatMap((state) => ladder.tasks(state))];
    logger.info('ai providers configured', {
      configured: list().filter((state) => state.provider.configured).map((state) => state.provider.id),
      unconfigured: list().filter((state) => !state.provider.configured).length,
    });
  }

  return {
    name: AI_PROVIDERS_MODULE,
    async configure(config: ExporterConfig) {
      apply(config.ai);
    },
    tasks: () => tasks,
    health(): HealthContribution {
      return aiHealth(list(), statuses());
    },
    beforeScrape() {
      refreshProviderGauges(deps.metrics, list(), canary);
    },
    async close() {
      await Promise.all(list().flatMap((state) => Object.values(state.inFlight)).map((run) => run?.catch(() => undefined)));
    },
    providers() {
      const current = statuses();
      return list().map((state) => ({
        id: state.provider.id,
        style: state.provider.style,
        model: state.provider.endpoint.model,
        priority: state.provider.priority,
        configured: state.provider.configured,
        keySource: state.provider.keySource,
        status: current.get(state.provider.id) as ProviderStatusInfo,
      }));
    },
    async runLadderOnce(providerId, options = {}) {
      const state = states.get(providerId);
      return state ? ladder.runOnce(state, options) : undefined;
    },
    validationHistory(providerId) {
      return states.get(providerId)?.history.list();
    },
  };
}
