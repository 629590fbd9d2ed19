import type { Logger } from '../logging/logger';
import { failure, success, type ProbeReport } from '../probes/types';
import type { ScheduledTask } from '../scheduler/scheduler';
import { RUNG_NAMES, type RungName } from './config';
import type { ProviderState, RungOutcome } from './ladder-state';
import { blocked, metadataRung, reachabilityRung } from './ladder-rungs';
import { validationRung, type LadderHooks } from './ladder-validation';
import type { PaidGate } from './paid-gate';
import { providerStatus, type ProviderStatusInfo } from './provider-status';
import type { FakeHistory } from './verdict';
import type { ValidationStore } from './validation-store';
import type { ValidationRun } from './run-history';
import type { ApiStyle } from './types';

/** Task (and `probe` label) name of a provider's rung: `ai_<id>_<rung>`. */
export const rungTaskName = (providerId: string, rung: RungName): string => `ai_${providerId}_${rung}`;

export interface LadderContext {
  readonly hooks: LadderHooks;
  readonly redact: <T>(value: T) => T;
  readonly egressDown: () => boolean;
  /** Records a rung run made outside the scheduler (run inline or by runLadderOnce), so `amas_probe_*` cover it. */
  readonly recordOutside: (taskName: string, outcome: RungOutcome) => void;
  readonly logger: Logger;
  readonly store: ValidationStore;
  readonly gate: PaidGate;
}

/** Options of `runLadderOnce`. */
export interface LadderRunOptions {
  /** Aborts the whole run; each rung also keeps its own timeout. */
  readonly signal?: AbortSignal;
  /** Include the redacted request/reply transcript of the validation call. */
  readonly debug?: boolean;
}

/** What `runLadderOnce` returns: every rung's outcome, the validation run in full, and the resulting status. */
export interface LadderReport {
  readonly provider: string;
  readonly style: ApiStyle;
  readonly model: string;
  readonly configured: boolean;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** Null for a rung that did not run (a provider without a key runs none). */
  readonly rungs: Readonly<Record<RungName, RungOutcome | null>>;
  /** From the models list; null when the list was not read. */
  readonly modelListed: boolean | null;
  /** Each validator's verdict, latency, tokens, cost; `transcript` only with `debug`. */
  readonly validation: ValidationRun | null;
  readonly status: ProviderStatusInfo;
  /** How often the provider was caught faking recently, and since when. */
  readonly fakeAi: FakeHistory;
}

export function reportOf(outcome: RungOutcome): ProbeReport {
  if (outcome.ok) return success(outcome.message);
  // A run that made no call (circuit open) is a skip: the probe reads failing, no failure is counted.
  if (outcome.skipReason) return { outcome: { ok: false, reason: outcome.reason ?? 'internal', message: outcome.message, skipped: outcome.skipReason }, observations: [] };
  return failure(outcome.reason ?? 'internal', outcome.message);
}

/**
 * The probe ladder: reachability (free), the models list (free, authenticated), validation (paid).
 * A rung runs only while the one below passes; when the one below has no fresh result it is run
 * first, inline, with its own timeout. Scheduled runs and `runOnce` share this code, and a rung
 * already under way is joined rather than started twice, so a refresh never doubles a paid call.
 */
export class Ladder {
  constructor(private readonly ctx: LadderContext) {}

  /** The provider's three scheduled tasks; none for a provider that is not configured. */
  tasks(state: ProviderState): ScheduledTask[] {
    const { provider } = state;
    if (!provider.configured) return [];
    return RUNG_NAMES.map((rung) => {
      const timing = provider.rungs[rung];
      return {
        name: rungTaskName(provider.id, rung),
        fingerprint: `${provider.fingerprint}|${timing.intervalMs}|${timing.timeoutMs}`,
        intervalMs: timing.intervalMs,
        timeoutMs: timing.timeoutMs,
        probe: {
          run: async ({ signal }) => reportOf((await this.start(state, rung, signal)).outcome),
          close: async () => undefined,
        },
      };
    });
  }

  /** Runs all three rungs now, whatever their schedule, and reports in detail. */
  async runOnce(state: ProviderState, options: LadderRunOptions = {}): Promise<LadderReport> {
    const startedAt = Date.now();
    const signal = options.signal ?? new AbortController().signal;
    const before = state.lastRun;
    // Each rung is forced once, bottom up; the rungs above then find the fresh result below them.
    const rungs: readonly RungName[] = state.provider.configured ? RUNG_NAMES : ['validation'];
    for (const rung of rungs) await this.ensure(state, rung, signal, true);
    const run = state.lastRun !== before ? state.lastRun : undefined;
    const { provider } = state;
    const ran = (rung: RungName): RungOutcome | null => {
      const outcome = state.rungs[rung];
      return outcome && outcome.startedAt >= startedAt ? outcome : null;
    };
    return {
      provider: provider.id,
      style: provider.style,
      model: provider.endpoint.model,
      configured: provider.configured,
      startedAt,
      durationMs: Date.now() - startedAt,
      rungs: { reachability: ran('reachability'), metadata: ran('metadata'), validation: ran('validation') },
      modelListed: ran('metadata')?.ok ? (state.modelListed ?? null) : null,
      validation: run ? (options.debug ? run : { ...run, transcript: null }) : null,
      status: providerStatus(state, this.ctx.egressDown()),
      fakeAi: state.fakeHistory(),
    };
  }

  /** Runs one rung now, whatever its schedule (fleet slots drive the paid rung this way), recorded in the result store. */
  runRung(state: ProviderState, rung: RungName, signal: AbortSignal): Promise<RungOutcome> {
    return this.ensure(state, rung, signal, true);
  }

  /** The rung's latest outcome if fresh (and not forced), else a run now, recorded in the result store. */
  private async ensure(state: ProviderState, rung: RungName, signal: AbortSignal, force: boolean): Promise<RungOutcome> {
    const latest = state.rungs[rung];
    const timing = state.provider.rungs[rung];
    if (!force && latest && Date.now() - latest.startedAt <= 2 * timing.intervalMs + timing.timeoutMs) return latest;
    const inner = AbortSignal.any([signal, AbortSignal.timeout(timing.timeoutMs)]);
    const { outcome, startedHere } = await this.start(state, rung, inner);
    if (startedHere && state.provider.configured) this.ctx.recordOutside(rungTaskName(state.provider.id, rung), outcome);
    return outcome;
  }

  /** Starts the rung, or joins the run already under way. */
  private async start(state: ProviderState, rung: RungName, signal: AbortSignal): Promise<{ outcome: RungOutcome; startedHere: boolean }> {
    const running = state.inFlight[rung];
    if (running) return { outcome: await running, startedHere: false };
    const fingerprint = state.provider.fingerprint;
    const promise = this.body(state, rung, signal)
      .then((outcome) => {
        // A run that began under an older config must not overwrite its successor's state.
        if (state.provider.fingerprint === fingerprint) state.rungs[rung] = outcome;
        if (!outcome.ok) this.ctx.logger.debug('ai rung failed', { component: 'ai', provider: state.provider.id, rung, reason: outcome.reason, detail: outcome.message });
        return outcome;
      })
      .finally(() => {
        delete state.inFlight[rung];
      });
    state.inFlight[rung] = promise;
    return { outcome: await promise, startedHere: true };
  }

  /** The rung itself; the rungs below are reused while fresh and run first when not. */
  private async body(state: ProviderState, rung: RungName, signal: AbortSignal): Promise<RungOutcome> {
    if (rung === 'reachability') return reachabilityRung(state, signal);
    if (rung === 'metadata') {
      const reachable = await this.ensure(state, 'reachability', signal, false);
      return reachable.ok ? metadataRung(state, signal) : blocked('metadata', reachable);
    }
    // Called by the validation rung only once it knows a call is wanted (not for a provider without a key).
    const lower = async (inner: AbortSignal): Promise<RungOutcome> => {
      const reachable = await this.ensure(state, 'reachability', inner, false);
      return reachable.ok ? this.ensure(state, 'metadata', inner, false) : reachable;
    };
    const { hooks, redact, egressDown, store, gate } = this.ctx;
    return validationRung(state, { hooks, redact, egressDown, lower, store, gate }, signal);
  }
}
