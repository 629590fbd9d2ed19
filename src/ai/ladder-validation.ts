import type { FailureReason } from '../probes/types';
import { adapterFor } from './adapters/registry';
import { costUsd, type BudgetAmounts } from './budget';
import type { Transcript } from './call-failure';
import { newChallenge } from './challenge';
import { challengePrompt, type ChallengeValues } from './challenge-text';
import type { ProviderState, RungOutcome } from './ladder-state';
import { failed, passed } from './ladder-rungs';
import { generate } from './provider-client';
import type { ResolvedProvider } from './resolve-providers';
import type { ValidationRun } from './run-history';
import { callError, fakeAi, skipped, validated, type ValidationResult } from './run-result';
import type { TokenUsage } from './types';
import { createValidatorSet, type ValidatorSet } from './validators/registry';

/** One paid call, for the `amas_ai_*` families. */
export interface PaidCallEvent {
  /** `success` when a usable reply arrived, else the failure reason. */
  readonly status: 'success' | FailureReason;
  readonly validated: boolean;
  /** Seconds until the reply was read; null when no reply arrived. */
  readonly latencySeconds: number | null;
  readonly usage: TokenUsage | null;
  readonly costUsd: number;
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
}

/** Rough characters per token used when a reply reports no usage and to bound a call's worst case. */
const CHARS_PER_TOKEN = 4;
/** finish reasons meaning "stopped at max tokens". */
const CUT_AT_LIMIT = /^(length|max_tokens|max_output_tokens|MAX_TOKENS)$/i;

const validatorSets = new WeakMap<ResolvedProvider, ValidatorSet>();
function validatorsOf(provider: ResolvedProvider): ValidatorSet {
  let set = validatorSets.get(provider);
  if (!set) {
    set = createValidatorSet(provider.validators);
    validatorSets.set(provider, set);
  }
  return set;
}

/** The most one call can cost: the prompt (generously estimated) plus the full output cap. */
export function worstCase(prompt: string, provider: ResolvedProvider): BudgetAmounts {
  const promptTokens = Math.ceil(prompt.length / 3) + 32;
  return { requests: 1, tokens: promptTokens + provider.maxTokens, usd: costUsd(promptTokens, provider.maxTokens, provider.price) };
}

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
      // Over budget or without a key, nothing failed; an open circuit or no egress is a failure to report.
      if (result.reason === 'budget' || result.reason === 'unconfigured') return { rung: 'validation', ok: true, skipped: true, reason: null, message, startedAt, elapsedMs };
      return { rung: 'validation', ok: false, skipped: true, reason: result.reason === 'egress' ? 'egress' : (cause ?? 'internal'), message, startedAt, elapsedMs };
    }
  }
}

interface CallDetails {
  challenge?: ChallengeValues;
  latencyMs?: number;
  usage?: TokenUsage | null;
  costUsd?: number;
  verdicts?: ValidationRun['verdicts'];
  blockedBy?: ValidationRun['blockedBy'];
  transcript?: Transcript | null;
  cause?: FailureReason;
}

/**
 * Rung 3, paid: one small generation carrying a fresh challenge, judged by every enabled validator.
 * Makes no call without a key, while the rung below fails, while the circuit is open or when the
 * call could break today's budget. Ends in exactly one ValidationResult, kept in the run history.
 */
export async function validationRung(state: ProviderState, deps: ValidationDeps, signal: AbortSignal): Promise<RungOutcome> {
  const startedAt = Date.now();
  const provider = state.provider;
  const finish = (result: ValidationResult, details: CallDetails = {}): RungOutcome => {
    const { challenge } = details;
    const run: ValidationRun = deps.redact({
      provider: provider.id,
      model: provider.endpoint.model,
      startedAt,
      durationMs: Date.now() - startedAt,
      result,
      latencyMs: details.latencyMs ?? null,
      usage: details.usage ?? null,
      costUsd: details.costUsd ?? 0,
      challenge: challenge ? { code: challenge.code, a: challenge.a, b: challenge.b } : null,
      verdicts: details.verdicts ?? {},
      blockedBy: details.blockedBy ?? null,
      transcript: details.transcript ?? null,
    });
    // A run that began under an older config is history, not the provider's current state.
    if (state.provider.fingerprint === provider.fingerprint) state.recordRun(run);
    else state.history.add(run);
    deps.hooks.validationRun(state, run);
    return outcomeFor(run.result, startedAt, details.cause);
  };

  if (!provider.configured) return finish(skipped('unconfigured', provider.unconfiguredReason));
  const lower = await deps.lower(signal);
  if (!lower.ok) {
    if (deps.egressDown()) return finish(skipped('egress', 'the egress canary and every provider are unreachable; the outage is on the exporter’s side'));
    return finish(callError(lower.reason ?? 'internal', `the ${lower.rung} rung is failing: ${lower.message}`), { blockedBy: lower.rung });
  }
  const permit = state.circuit.permit();
  if (!permit.ok) return finish(skipped('circuit_open', permit.detail), { cause: permit.cause });

  const challenge = newChallenge();
  const prompt = challengePrompt(challenge);
  const allowed = state.budget.allows(worstCase(prompt, provider));
  if (!allowed.ok) return finish(skipped('budget', allowed.detail));

  const call = await generate(adapterFor(provider.style), provider.endpoint, { user: prompt, maxTokens: provider.maxTokens, temperature: provider.temperature }, signal);
  state.windows.recordChallenge(challenge);
  if (!call.ok) {
    state.budget.record({ requests: 1, tokens: 0, usd: 0 });
    state.circuit.recordFailure(call.reason, call.retryAfterSeconds);
    deps.hooks.paidCall(state, { status: call.reason, validated: false, latencySeconds: call.status === null ? null : call.elapsedMs / 1000, usage: null, costUsd: 0 });
    return finish(callError(call.reason, call.message), { challenge, transcript: call.transcript ?? null, cause: call.reason });
  }

  const { reply } = call;
  const { rateLimitRemainingRequests, rateLimitRemainingTokens } = reply.headers;
  state.rateLimit = { requests: rateLimitRemainingRequests, tokens: rateLimitRemainingTokens };
  const estimated = { promptTokens: Math.ceil(prompt.length / CHARS_PER_TOKEN), completionTokens: Math.ceil((reply.text.length + reply.reasoning.length) / CHARS_PER_TOKEN) };
  const counted = reply.usage ?? { ...estimated, totalTokens: estimated.promptTokens + estimated.completionTokens };
  const cost = costUsd(counted.promptTokens, counted.completionTokens, provider.price);
  state.budget.record({ requests: 1, tokens: counted.totalTokens, usd: cost });
  const base = { challenge, latencyMs: call.elapsedMs, usage: reply.usage, costUsd: cost, transcript: call.transcript };

  if (!reply.text.trim() && CUT_AT_LIMIT.test(reply.finishReason)) {
    state.circuit.recordFailure('invalid_reply', null);
    deps.hooks.paidCall(state, { status: 'invalid_reply', validated: false, latencySeconds: call.elapsedMs / 1000, usage: reply.usage, costUsd: cost });
    return finish(callError('invalid_reply', `the reply stopped at max tokens (${provider.maxTokens}) before any answer; raise max_tokens for this model`), { ...base, cause: 'invalid_reply' });
  }
  state.circuit.recordSuccess();

  const set = validatorsOf(provider);
  const { verdicts, flagged } = set.run({
    provider: { id: provider.id, style: provider.style, baseUrl: provider.endpoint.baseUrl, model: provider.endpoint.model, reasoning: provider.reasoning },
    challenge,
    prompt,
    maxTokens: provider.maxTokens,
    reply,
    latencyMs: call.elapsedMs,
    windows: state.windows,
  });
  state.windows.recordReply(challenge, reply, call.elapsedMs);
  deps.hooks.paidCall(state, { status: 'success', validated: flagged === undefined, latencySeconds: call.elapsedMs / 1000, usage: reply.usage, costUsd: cost });
  const result = flagged ? fakeAi(flagged.reason, flagged.detail) : validated(`${set.enabled.length} checks passed in ${call.elapsedMs} ms (${set.enabled.join(', ')})`);
  return finish(result, { ...base, verdicts });
}
