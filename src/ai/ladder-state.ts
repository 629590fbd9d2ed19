import type { FailureReason } from '../probes/types';
import { DailyBudget } from './budget';
import { CircuitBreaker, type CircuitSettings } from './circuit-breaker';
import type { AiConfig, RungName } from './config';
import type { ResolvedProvider } from './resolve-providers';
import { RunHistory, type ValidationRun } from './run-history';
import type { ValidationResultKind } from './run-result';
import { ValidationWindows, type WindowSizes } from './validation-windows';

/** How a rung's latest run ended. `skipped` runs made no call on purpose (budget, no key, egress). */
export interface RungOutcome {
  readonly rung: RungName;
  readonly ok: boolean;
  readonly skipped: boolean;
  /** Bounded failure reason; null when ok. */
  readonly reason: FailureReason | null;
  readonly message: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly elapsedMs: number;
}

/** The ladder's settings that are not per provider (circuit, window sizes, history, rate window). */
export interface LadderSettings {
  readonly circuit: CircuitSettings;
  readonly windows: WindowSizes;
  readonly history: { readonly successes: number; readonly failures: number };
  readonly rateWindow: number;
}

/** Reads the ladder's global settings out of the `ai:` section. */
export function ladderSettings(ai: AiConfig): LadderSettings {
  const v = ai.validators;
  return {
    circuit: { failureThreshold: ai.circuit.failure_threshold, cooldownMs: ai.circuit.cooldown, maxCooldownMs: Math.max(ai.circuit.cooldown, ai.circuit.max_cooldown) },
    windows: { challenges: ai.replay_window, replyIds: v.envelope.id_window, replies: v.duplicate_reply.window, latencies: Math.max(1, v.timing.identical_window) },
    history: ai.history,
    rateWindow: ai.rate_window,
  };
}

/**
 * Everything the exporter remembers about one provider. Kept across reloads: while the provider's
 * fingerprint is unchanged nothing is reset; when it changes (new key, URL, model, ...) the circuit,
 * the windows and the rung results start again, but today's spend stays, because it was spent.
 */
export class ProviderState {
  provider: ResolvedProvider;
  readonly budget: DailyBudget;
  circuit: CircuitBreaker;
  windows: ValidationWindows;
  readonly history: RunHistory;
  rungs: Partial<Record<RungName, RungOutcome>> = {};
  /** From the latest models list: whether the model is in it; undefined before the first list. */
  modelListed: boolean | undefined;
  /** The latest validation run, skips included. */
  lastRun: ValidationRun | undefined;
  /** The latest run that made a call (or was blocked by a lower rung); skips do not replace it. */
  lastVerdictRun: ValidationRun | undefined;
  /** Kinds of the latest runs that were not skipped, oldest first; behind the success and error rates. */
  readonly recentKinds: ValidationResultKind[] = [];
  /** Latency of the latest call that got a reply; kept when later runs make no call. */
  lastLatencyMs: number | null = null;
  rateLimit: { requests: number | null; tokens: number | null } = { requests: null, tokens: null };
  /** Runs under way, shared by whoever asks for the same rung meanwhile. */
  readonly inFlight: Partial<Record<RungName, Promise<RungOutcome>>> = {};

  constructor(provider: ResolvedProvider, private settings: LadderSettings) {
    this.provider = provider;
    this.budget = new DailyBudget(provider.budget);
    this.circuit = new CircuitBreaker(settings.circuit);
    this.windows = new ValidationWindows(settings.windows);
    this.history = new RunHistory(settings.history);
  }

  /** Applies a new resolution of the same provider id. */
  update(provider: ResolvedProvider, settings: LadderSettings): void {
    const changed = provider.fingerprint !== this.provider.fingerprint;
    this.provider = provider;
    this.settings = settings;
    this.budget.setLimits(provider.budget);
    this.history.setLimits(settings.history);
    if (changed) {
      this.circuit = new CircuitBreaker(settings.circuit);
      this.windows = new ValidationWindows(settings.windows);
      this.rungs = {};
      this.modelListed = undefined;
      this.lastRun = undefined;
      this.lastVerdictRun = undefined;
      this.recentKinds.length = 0;
      this.lastLatencyMs = null;
      this.rateLimit = { requests: null, tokens: null };
    } else {
      this.circuit.updateSettings(settings.circuit);
      this.windows.resize(settings.windows);
    }
  }

  recordRun(run: ValidationRun): void {
    this.lastRun = run;
    this.history.add(run);
    if (run.latencyMs !== null) this.lastLatencyMs = run.latencyMs;
    if (run.result.result === 'skipped') return;
    this.lastVerdictRun = run;
    this.recentKinds.push(run.result.result);
    if (this.recentKinds.length > this.settings.rateWindow) this.recentKinds.splice(0, this.recentKinds.length - this.settings.rateWindow);
  }
}
