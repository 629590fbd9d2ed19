import { adapterFor } from './adapters/registry';
import { costUsd, worstCase } from './budget';
import type { ChallengeValues } from './challenge-text';
import { challengePrompt, expectedAnswer } from './challenge-text';
import { streamChallenge } from './challenge';
import type { ProviderState } from './ladder-state';
import type { LadderHooks } from './ladder-validation';
import type { PaidOutcome } from './paid-gate';
import { generate } from './provider-client';
import type { ResolvedProvider } from './resolve-providers';
import { callError, fakeAi, validated } from './run-result';
import { streamCheck, type StreamVerdict } from './stream-check';
import { streamsThisRun } from './stream-pace';
import { createValidatorSet, REASON_PRECEDENCE, type ValidatorSet } from './validators/registry';
import { flag, pass, type ValidatorVerdict } from './validators/types';

/** Rough characters per token used when a reply reports no usage. */
const CHARS_PER_TOKEN = 4;
/** finish reasons meaning "stopped at max tokens". */
const CUT_AT_LIMIT = /^(length|max_tokens|max_output_tokens|MAX_TOKENS)$/i;

const validatorSets = new WeakMap<ResolvedProvider, ValidatorSet>();
export function validatorsOf(provider: ResolvedProvider): ValidatorSet {
  let set = validatorSets.get(provider);
  if (!set) {
    set = createValidatorSet(provider.validators);
    validatorSets.set(provider, set);
  }
  return set;
}

/**
 * The streamed call of the challenge `asked` (see streamChallenge) and its spend. A stream reports no usage this check reads, so its size is
 * estimated: the first call's prompt, and the longer of the first answer and the expected one.
 */
async function streamedCall(state: ProviderState, asked: ChallengeValues, first: { promptTokens: number; completionTokens: number }, signal: AbortSignal): Promise<StreamVerdict & { costUsd: number }> {
  const provider = state.provider;
  const spec = adapterFor(provider.style).generationRequest(provider.endpoint, { user: challengePrompt(asked), maxTokens: provider.maxTokens, temperature: provider.temperature });
  const streamed = await streamCheck(provider.style, spec, provider.endpoint.apiKey, asked, signal);
  const completionTokens = Math.max(first.completionTokens, Math.ceil(expectedAnswer(asked).length / CHARS_PER_TOKEN));
  const usd = costUsd(first.promptTokens, completionTokens, provider.price);
  state.budget.record({ requests: 1, tokens: first.promptTokens + completionTokens, usd });
  return { ...streamed, costUsd: usd };
}

/**
 * The paid part of a validation run: one generation carrying the challenge, its spend, the
 * circuit's bookkeeping and every validator's verdict. A 429 is not a failure of the provider: it
 * defers the next call (Retry-After) and never counts towards opening the circuit.
 */
export async function paidStep(state: ProviderState, challenge: ChallengeValues, hooks: LadderHooks, signal: AbortSignal): Promise<PaidOutcome> {
  const provider = state.provider;
  const prompt = challengePrompt(challenge);
  const sentAt = Date.now();
  const call = await generate(adapterFor(provider.style), provider.endpoint, { user: prompt, maxTokens: provider.maxTokens, temperature: provider.temperature }, signal);
  state.windows.recordChallenge(challenge);
  if (!call.ok) {
    state.budget.record({ requests: 1, tokens: 0, usd: 0 });
    if (call.reason === 'rate_limited') state.circuit.recordRateLimit(call.retryAfterSeconds);
    else state.circuit.recordFailure(call.reason, call.retryAfterSeconds);
    hooks.paidCall(state, { status: call.reason, validated: false, latencySeconds: call.status === null ? null : call.elapsedMs / 1000, usage: null, costUsd: 0 });
    return { origin: 'local', result: callError(call.reason, call.message), details: { challenge, transcript: call.transcript ?? null, cause: call.reason } };
  }

  const receivedAt = Date.now();
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
    hooks.paidCall(state, { status: 'invalid_reply', validated: false, latencySeconds: call.elapsedMs / 1000, usage: reply.usage, costUsd: cost });
    return { origin: 'local', result: callError('invalid_reply', `the reply stopped at max tokens (${provider.maxTokens}) before any answer; raise max_tokens for this model`), details: { ...base, cause: 'invalid_reply' } };
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
    loopLagMs: call.loopLagMs,
    sentAt,
    receivedAt,
    windows: state.windows,
  });
  state.windows.recordReply(challenge, reply, {
    latencyMs: call.elapsedMs,
    completionTokens: reply.usage?.completionTokens ?? null,
    promptTokens: reply.usage?.promptTokens ?? null,
    items: challenge.items ?? 0,
    textChars: reply.text.trim().length,
    createdAt: reply.createdAt ?? null,
    at: receivedAt,
    ...(call.loopLagMs > 0 ? { loopLagMs: call.loopLagMs } : {}),
  });
  hooks.paidCall(state, { status: 'success', validated: flagged === undefined, latencySeconds: call.elapsedMs / 1000, usage: reply.usage, costUsd: cost });

  // The streaming check: the same challenge once more (with a long list: enough chunks to judge),
  // streamed, judged as a stream; on its turn (./stream-pace.ts), not after a reply already
  // flagged (the run is fake either way), and only when the budget still has room for it.
  let worst: (ValidatorVerdict & { ok: false }) | undefined = flagged;
  let streamVerdict: ValidatorVerdict | undefined;
  const asked = streamChallenge(challenge);
  if (!flagged && streamsThisRun(provider, state.entries, state.verdict) && state.budget.allows(worstCase(challengePrompt(asked), provider)).ok) {
    const streamed = await streamedCall(state, asked, counted, signal);
    if (streamed.ok || streamed.fake) {
      hooks.paidCall(state, { status: 'success', validated: streamed.ok, latencySeconds: null, usage: null, costUsd: streamed.costUsd, stream: { ttftSeconds: streamed.ttftMs === null ? null : streamed.ttftMs / 1000, gapsSeconds: streamed.gapsMs.map((ms) => ms / 1000) } });
    }
    streamVerdict = streamed.ok ? pass(streamed.detail) : streamed.fake ? flag('stream', streamed.detail) : pass(`not judged: ${streamed.detail}`);
    if (!streamVerdict.ok && (!worst || REASON_PRECEDENCE.indexOf('stream') < REASON_PRECEDENCE.indexOf(worst.reason))) worst = streamVerdict;
  }
  const checks = set.enabled.length + (streamVerdict ? 1 : 0);
  const result = worst ? fakeAi(worst.reason, worst.detail) : validated(`${checks} checks passed in ${call.elapsedMs} ms (${[...set.enabled, ...(streamVerdict ? ['stream'] : [])].join(', ')})`);
  return { origin: 'local', result, details: { ...base, verdicts: streamVerdict ? { ...verdicts, stream: streamVerdict } : verdicts } };
}
