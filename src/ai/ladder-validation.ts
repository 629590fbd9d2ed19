import type { FailureReason } from '../probes/types';
import { worstCase } from './budget';
import { newChallenge } from './challenge';
import { challengePrompt } from './challenge-text';
import type { ProviderState, RungOutcome } from './ladder-state';
import { failed, passed } from './ladder-rungs';
import type { PaidDetails, PaidGate, PaidOutcome } from './paid-gate';
import { paidStep } from './paid-step';
import type { ValidationRun } from './run-history';
import { callError, skipped, type ValidationResult } from './run-result';
import type { TokenUsage } from './types';
import type { ValidationStore } from './validation-store';

/** One paid call, for the `amas_ai_*` families. */
export interface PaidCallEvent {
  /** `success` when a usable reply arrived, else the failure reason. */
  readonly status: 'success' | FailureReason;
  readonly validated: boolean;
  /** Seconds until the reply was read; null when no reply arrived. */
  readonly latencySeconds: number | null;
  readonly usage: TokenUsage | null;
  readonly costUsd: number;
  /** A streamed call: seconds to the first content chunk (null: none came) and between content chunks. */
  readonly stream?: { readonly ttftSeconds: number | null; readonly gapsSeconds: readonly number[] };
}

/** Where the ladder reports what happened; the AI-providers module turns these into metrics. */
export interface LadderHooks {
  paidCall(state: ProviderState, event: PaidCallEvent): void;
  validationRun(state: ProviderState, run: ValidationRun): void;
}

export interface ValidationDeps {
  readonly hooks: LadderHooks;
  /** Deep-redacts known secrets from what is kept for the debug view. */
  readonly redact: <T>(value: T) => T;
  /** True while the egress canary and every provider's reachability fail. */
  readonly egressDown: () => boolean;
  /** The metadata rung's outcome, run now if it is missing or stale. */
  readonly lower: (signal: AbortSignal) => Promise<RungOutcome>;
  /** History shared with restarts, the CLI and (fleet) other replicas. */
  readonly store: ValidationStore;
  /** Where the paid step runs (locally, or behind fleet's claim/publish). */
  readonly gate: PaidGate;
}

/** Skips that mean nothing failed: no key, over budget, or the provider asked us to wait. */
const HARMLESS_SKIPS: ReadonlySet<string> = new Set(['budget', 'unconfigured', 'rate_limited']);

function outcomeFor(result: ValidationResult, startedAt: number, cause: FailureReason | undefined): RungOutcome {
  const elapsedMs = Date.now() - startedAt;
  switch (result.result) {
    case 'validated':
      return passed('validation', startedAt, elapsedMs, `validated: ${result.detail}`);
    case 'fake_ai_detected':
      return failed('validation', startedAt, elapsedMs, 'fake_ai', `fake AI detected (${result.reason}): ${result.detail}`);
    case 'error':
      return failed('validation', startedAt, elapsedMs, result.reason, result.detail);
    case 'skipped': {
      const message = `skipped (${result.reason}): ${result.detail}`;
      if (HARMLESS_SKIPS.has(result.reason)) return { rung: 'validation', ok: true, skipped: true, reason: null, message, startedAt, elapsedMs };
      return { rung: 'validation', ok: false, skipped: true, skipReason: result.reason, reason: result.reason === 'egress' ? 'egress' : (cause ?? 'internal'), message, startedAt, elapsedMs };
    }
  }
}

/** Takes over a newer record from the store (written by a restart's predecessor, the CLI or a replica). */
async function syncFromStore(state: ProviderState, store: ValidationStore): Promise<void> {
  const record = await store.load(state.provider.id, state.provider.fingerprint);
  if (record && record.updatedAt > state.syncedAt) state.adopt(record);
}

/**
 * Rung 3, paid: one small generation carrying a fresh challenge, judged by every enabled validator.
 * Makes no call without a key, while the rung below fails, while the circuit is open, while the
 * provider's Retry-After lasts or when the call could break today's budget. Ends in exactly one
 * ValidationResult, kept in the run history, the sticky verdict and the store.
 */
export async function validationRung(state: ProviderState, deps: ValidationDeps, signal: AbortSignal): Promise<RungOutcome> {
  const startedAt = Date.now();
  const provider = state.provider;
  const finish = async (result: ValidationResult, details: PaidDetails = {}, origin: PaidOutcome['origin'] = 'local'): Promise<RungOutcome> => {
    const { challenge } = details;
    const run: ValidationRun = deps.redact({
      provider: provider.id,
      model: provider.endpoint.model,
      startedAt: details.startedAt ?? startedAt,
      durationMs: Date.now() - startedAt,
      result,
      latencyMs: details.latencyMs ?? null,
      usage: details.usage ?? null,
      costUsd: details.costUsd ?? 0,
      challenge: challenge ? { code: challenge.code, a: challenge.a, b: challenge.b, items: challenge.items ?? 0 } : null,
      verdicts: details.verdicts ?? {},
      blockedBy: details.blockedBy ?? null,
      transcript: details.transcript ?? null,
    });
    // A run that began under an older config is history, not the provider's current state.
    if (state.provider.fingerprint === provider.fingerprint) {
      state.recordRun(run, challenge?.items ?? null);
      if (origin === 'local' && provider.configured) await deps.store.save(state.toRecord());
    } else state.history.add(run);
    deps.hooks.validationRun(state, run);
    return outcomeFor(run.result, startedAt, details.cause);
  };

  if (!provider.configured) return finish(skipped('unconfigured', provider.unconfiguredReason));
  await syncFromStore(state, deps.store);
  const lower = await deps.lower(signal);
  if (!lower.ok) {
    if (deps.egressDown()) return finish(skipped('egress', 'the egress canary and every provider are unreachable; the outage is on the exporter’s side'));
    return finish(callError(lower.reason ?? 'internal', `the ${lower.rung} rung is failing: ${lower.message}`), { blockedBy: lower.rung });
  }
  const permit = state.circuit.permit();
  if (!permit.ok) return finish(skipped(permit.cause === 'rate_limited' && !permit.open ? 'rate_limited' : 'circuit_open', permit.detail), { cause: permit.cause });

  const challenge = newChallenge(state.windows.samples.at(-1)?.items);
  const allowed = state.budget.allows(worstCase(challengePrompt(challenge), provider));
  if (!allowed.ok) return finish(skipped('budget', allowed.detail));

  const outcome = await deps.gate.runPaid(state, (inner) => paidStep(state, challenge, deps.hooks, inner), signal);
  if (outcome.origin === 'shared' && outcome.record) state.adopt(outcome.record);
  return finish(outcome.result, outcome.details, outcome.origin);
}
