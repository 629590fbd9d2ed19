import { randomUUID } from 'node:crypto';
import type { AiConfig, RungName } from '../ai/config';
import { EgressCanary } from '../ai/egress';
import { Ladder, type LadderReport, type LadderRunOptions } from '../ai/ladder';
import { ladderSettings, ProviderState, type RungOutcome } from '../ai/ladder-state';
import { providerStatus, type ProviderStatusInfo } from '../ai/provider-status';
import { resolveProviders } from '../ai/resolve-providers';
import type { PaidGate } from '../ai/paid-gate';
import type { ValidationRun } from '../ai/run-history';
import type { FakeHistory } from '../ai/verdict';
import { validationBackends, type ValidationBackends } from '../ai/validation-backends';
import type { ValidationStore } from '../ai/validation-store';
import type { ExporterConfig } from './config-schema';
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
  /** How often it was caught faking recently, since when, and how many clean runs clear it. */
  readonly fakeAi: FakeHistory;
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
  /** Every provider's state (fleet mode reads and drives them: src/modules/fleet.ts). */
  providerStates(): readonly ProviderState[];
  /** Runs one rung of one provider now; undefined for an unknown provider id. */
  runRung(providerId: string, rung: RungName, signal: AbortSignal): Promise<RungOutcome | undefined>;
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
/** What a wrapping module may replace (fleet mode: src/modules/fleet.ts). */
export interface AiModuleExtension {
  /** Used instead of the backends' gate. */
  readonly gate?: PaidGate;
}

export function createAiProvidersModule(deps: ModuleDeps, extension: AiModuleExtension = {}): AiProvidersModule {
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
      outcome: outcome.ok ? { ok: true, message } : { ok: false, reason: outcome.reason ?? 'internal', message, ...(outcome.skipReason ? { skipped: outcome.skipReason } : {}) },
      observations: [],
    });
  };
  // The backends follow `ai.state_path`; the ladder reaches them through these stable forwarders.
  const reportStore = (message: string): void => void logger.warn('validation state store problem', { detail: deps.secrets.redact(message) });
  let backends: ValidationBackends = validationBackends({ state_path: '' } as AiConfig, reportStore);
  let backendKey = '';
  let countedStoreErrors = 0;
  const store: ValidationStore = {
    load: (provider, fingerprint) => backends.store.load(provider, fingerprint),
    save: (record) => backends.store.save(record),
    append: (record, entry) => backends.store.append(record, entry),
  };
  const gate: PaidGate = { runPaid: (state, paid, signal) => (extension.gate ?? backends.gate).runPaid(state, paid, signal) };
  const ladder = new Ladder({
    hooks: metricHooks(deps.metrics, series, logger),
    redact: (value) => deps.secrets.redactValue(value),
    egressDown,
    recordOutside,
    logger,
    store,
    gate,
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
    if (ai.state_path !== backendKey) {
      backends = validationBackends(ai, reportStore);
      countedStoreErrors = 0;
      backendKey = ai.state_path;
    }
    for (const provider of resolved) {
      if (provider.configured && !provider.priceKnown) {
        logger.warn('no price known for an AI provider: its cost is counted as 0 and amas_ai_cost_unknown is 1', {
          provider: provider.id,
          model: provider.endpoint.model,
          fix: `set ai.prices["${provider.endpoint.model}"] or ai.providers.${provider.id}.price_usd_per_million_tokens ({input, output} USD per million tokens)`,
        });
      }
    }
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
      const errors = backends.errors();
      if (errors > countedStoreErrors) deps.metrics.aiStateFileErrors.inc(errors - countedStoreErrors);
      countedStoreErrors = errors;
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
        fakeAi: state.fakeHistory(),
      }));
    },
    async runLadderOnce(providerId, options = {}) {
      const state = states.get(providerId);
      return state ? ladder.runOnce(state, options) : undefined;
    },
    providerStates: () => list(),
    async runRung(providerId, rung, signal) {
      const state = states.get(providerId);
      return state ? ladder.runRung(state, rung, signal) : undefined;
    },
    validationHistory(providerId) {
      return states.get(providerId)?.history.list();
    },
  };
}
