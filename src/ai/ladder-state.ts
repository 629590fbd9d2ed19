import type { FailureReason } from '../probes/types';
import { DailyBudget } from './budget';
import { CircuitBreaker, type CircuitSettings } from './circuit-breaker';
import type { AiConfig, RungName } from './config';
import type { ResolvedProvider } from './resolve-providers';
import { RunHistory, type ValidationRun } from './run-history';
import type { ValidationResultKind } from './run-result';
import { appendRun, MAX_ENTRIES, type HistoryEntry, type ProviderRecord } from './validation-store';
import { ValidationWindows, type WindowSizes } from './validation-windows';
import { CLEAN_VERDICT, fakeHistory, nextVerdict, type FakeHistory, type VerdictMemory } from './verdict';

/** How a rung's latest run ended. `skipped` runs made no call on purpose (budget, no key, egress). */
export interface RungOutcome {
  readonly rung: RungName;
  readonly ok: boolean;
  readonly skipped: boolean;
  /** Why a failing rung was skipped (circuit_open, egress): the run is counted as a skip, not a failure. */
  readonly skipReason?: string;
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
  /** Clean validations in a row that clear a fake verdict, and the runs behind "fake in N of M". */
  readonly verdict: { readonly clearAfter: number; readonly window: number };
}

/** Reads the ladder's global settings out of the `ai:` section. */
export function ladderSettings(ai: AiConfig): LadderSettings {
  const v = ai.validators;
  return {
    circuit: { failureThreshold: ai.circuit.failure_threshold, cooldownMs: ai.circuit.cooldown, maxCooldownMs: Math.max(ai.circuit.cooldown, ai.circuit.max_cooldown) },
    windows: { challenges: ai.replay_window, replyIds: v.envelope.id_window, replies: v.duplicate_reply.window, latencies: Math.max(1, v.timing.identical_window) },
    history: ai.history,
    rateWindow: ai.rate_window,
    verdict: { clearAfter: ai.verdict.clear_after, window: ai.verdict.window },
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
  /** Sticky verdict: fake until `clearAfter` clean runs in a row. */
  verdict: VerdictMemory = CLEAN_VERDICT;
  /** Compact history of every run (persisted and shared), oldest first. */
  entries: HistoryEntry[] = [];
  /** `updatedAt` of the store record this state last matched; a newer record elsewhere is adopted. */
  syncedAt = 0;
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
      this.verdict = CLEAN_VERDICT;
      this.entries = [];
      this.syncedAt = 0;
    } else {
      this.circuit.updateSettings(settings.circuit);
      this.windows.resize(settings.windows);
    }
  }

  /** The provider's fake-AI history for /health, the status page and reports. */
  fakeHistory(): FakeHistory {
    return fakeHistory(this.verdict, this.entries, this.settings.verdict.window, this.settings.verdict.clearAfter);
  }

  /** The state as the store keeps it. */
  toRecord(): ProviderRecord {
    return {
      version: 1,
      provider: this.provider.id,
      fingerprint: this.provider.fingerprint,
      updatedAt: this.syncedAt,
      verdict: this.verdict,
      entries: [...this.entries],
      windows: this.windows.toPersisted(),
      circuit: this.circuit.toRecord(),
      budget: this.budget.toRecord(),
    };
  }

  /** Takes over a record written elsewhere (a restart, the CLI, another replica). */
  adopt(record: ProviderRecord): void {
    if (record.fingerprint !== this.provider.fingerprint) return;
    this.verdict = record.verdict;
    this.entries = [...record.entries].slice(-MAX_ENTRIES);
    this.windows = new ValidationWindows(this.settings.windows, record.windows);
    this.syncedAt = record.updatedAt;
    if (record.circuit) this.circuit.restore(record.circuit);
    if (record.budget) this.budget.restore(record.budget);
    const judged = record.entries.filter((entry) => entry.result !== 'skipped').slice(-this.settings.rateWindow);
    this.recentKinds.splice(0, this.recentKinds.length, ...judged.map((entry) => entry.result));
    const latest = [...record.entries].reverse().find((entry) => entry.latencyMs !== null);
    if (latest && this.lastLatencyMs === null) this.lastLatencyMs = latest.latencyMs;
  }

  recordRun(run: ValidationRun, requestedItems: number | null = null): void {
    this.verdict = nextVerdict(this.verdict, run.result, run.startedAt, this.settings.verdict.clearAfter);
    const entry: HistoryEntry = { at: run.startedAt, result: run.result.result, reason: 'reason' in run.result ? run.result.reason : null, latencyMs: run.latencyMs, usage: run.usage, costUsd: run.costUsd, requestedItems, ...(run.verdicts.stream ? { streamed: true } : {}) };
    this.entries = [...appendRun(this.toRecord(), entry).entries];
    this.syncedAt = Math.max(this.syncedAt, run.startedAt);
    this.lastRun = run;
    this.history.add(run);
    if (run.latencyMs !== null) this.lastLatencyMs = run.latencyMs;
    if (run.result.result === 'skipped') return;
    this.lastVerdictRun = run;
    this.recentKinds.push(run.result.result);
    if (this.recentKinds.length > this.settings.rateWindow) this.recentKinds.splice(0, this.recentKinds.length - this.settings.rateWindow);
  }
}
