import { adapterFor } from '../../ai/adapters/registry';
import { costUsd } from '../../ai/budget';
import { newChallenge } from '../../ai/challenge';
import { challengePrompt, type ChallengeValues } from '../../ai/challenge-text';
import { worstCase } from '../../ai/budget';
import type { ProviderState } from '../../ai/ladder-state';
import type { NormalizedReply } from '../../ai/types';
import { validatorsOf } from '../../ai/paid-step';
import { generate } from '../../ai/provider-client';

/** How much load to make; every provider gets its own `concurrent` workers. */
export interface BenchmarkPlan {
  readonly durationMs: number;
  readonly concurrent: number;
  /** Most calls per provider, whatever the budget allows. */
  readonly maxRequests: number;
}

/** What one provider's load run found. */
export interface ProviderBenchmark {
  readonly provider: string;
  readonly model: string;
  calls: number;
  answered: number;
  /** Replies every validator passed. */
  validated: number;
  /** Replies a validator flagged as fake AI, by reason: never counted as successes. */
  readonly fakes: Record<string, number>;
  readonly latenciesMs: number[];
  readonly errors: Record<string, number>;
  tokens: number;
  costUsd: number;
  /** Why the workers stopped before the time was up (budget, circuit), or null. */
  stoppedBy: string | null;
  inFlight: number;
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The most the plan can spend on a provider: the smaller of its call cap and its budget, at worst-case cost. */
export function worstCaseUsd(state: ProviderState, plan: BenchmarkPlan): number {
  const perCall = worstCase(challengePrompt(newChallenge()), state.provider).usd;
  const left = state.budget.remaining();
  const calls = Math.min(plan.maxRequests, left.requests ?? Infinity);
  return Math.min(calls * perCall, left.usd ?? Infinity);
}

/**
 * Sends the validation prompt (small, with a fresh challenge) to one provider from `concurrent`
 * workers until the time is up, the call cap is reached, the budget would be broken (in-flight calls
 * counted at their worst case) or the circuit opens, through the same client, budget and circuit
 * breaker as the exporter's validation rung. Every reply is judged by the provider's validators:
 * a canned or replayed reply is a fake, not a success.
 */
async function loadProvider(state: ProviderState, plan: BenchmarkPlan, deadline: number, signal: AbortSignal, result: ProviderBenchmark): Promise<void> {
  const provider = state.provider;
  const adapter = adapterFor(provider.style);
  const worker = async (): Promise<void> => {
    while (!signal.aborted && Date.now() < deadline && result.calls < plan.maxRequests && result.stoppedBy === null) {
      const permit = state.circuit.permit();
      if (!permit.ok) {
        result.stoppedBy = `circuit open: ${permit.detail}`;
        return;
      }
      // Short and long lists in turn, as the validation rung asks, so the timing and usage rules have a spread to judge.
      const challenge = newChallenge(state.windows.samples.at(-1)?.items);
      const prompt = challengePrompt(challenge);
      const one = worstCase(prompt, provider);
      const pending = result.inFlight + 1;
      const allowed = state.budget.allows({ requests: pending, tokens: one.tokens * pending, usd: one.usd * pending });
      if (!allowed.ok) {
        result.stoppedBy = `budget: ${allowed.detail}`;
        return;
      }
      result.calls += 1;
      result.inFlight += 1;
      const timeout = AbortSignal.any([signal, AbortSignal.timeout(provider.rungs.validation.timeoutMs)]);
      const sentAt = Date.now();
      const call = await generate(adapter, provider.endpoint, { user: prompt, maxTokens: provider.maxTokens, temperature: provider.temperature }, timeout);
      result.inFlight -= 1;
      state.windows.recordChallenge(challenge);
      if (!call.ok) {
        result.errors[call.reason] = (result.errors[call.reason] ?? 0) + 1;
        state.budget.record({ requests: 1, tokens: 0, usd: 0 });
        if (call.reason === 'rate_limited') state.circuit.recordRateLimit(call.retryAfterSeconds);
        else state.circuit.recordFailure(call.reason, call.retryAfterSeconds);
        continue;
      }
      judge(state, challenge, prompt, call.reply, call.elapsedMs, sentAt, result);
      const usage = call.reply.usage ?? { promptTokens: Math.ceil(prompt.length / 4), completionTokens: Math.ceil(call.reply.text.length / 4), totalTokens: 0 };
      const total = usage.totalTokens || usage.promptTokens + usage.completionTokens;
      const cost = costUsd(usage.promptTokens, usage.completionTokens, provider.price);
      state.budget.record({ requests: 1, tokens: total, usd: cost });
      state.circuit.recordSuccess();
      result.answered += 1;
      result.latenciesMs.push(call.elapsedMs);
      result.tokens += total;
      result.costUsd += cost;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrent }, worker));
}

/** Judges one reply with the provider's validators, exactly as the validation rung does. */
function judge(state: ProviderState, challenge: ChallengeValues, prompt: string, reply: NormalizedReply, latencyMs: number, sentAt: number, result: ProviderBenchmark): void {
  const provider = state.provider;
  const receivedAt = Date.now();
  const { flagged } = validatorsOf(provider).run({
    provider: { id: provider.id, style: provider.style, baseUrl: provider.endpoint.baseUrl, model: provider.endpoint.model, reasoning: provider.reasoning },
    challenge,
    prompt,
    maxTokens: provider.maxTokens,
    reply,
    latencyMs,
    sentAt,
    receivedAt,
    windows: state.windows,
  });
  state.windows.recordReply(challenge, reply, { latencyMs, completionTokens: reply.usage?.completionTokens ?? null, promptTokens: reply.usage?.promptTokens ?? null, items: challenge.items ?? 0, textChars: reply.text.trim().length, createdAt: reply.createdAt ?? null, at: receivedAt });
  if (flagged) result.fakes[flagged.reason] = (result.fakes[flagged.reason] ?? 0) + 1;
  else result.validated += 1;
}

/** A benchmark under way: its live results (for the progress bar) and when it ends. */
export interface RunningBenchmark {
  readonly results: readonly ProviderBenchmark[];
  readonly startedAt: number;
  readonly done: Promise<void>;
}

/** Starts the plan against every given provider at once. */
export function startBenchmark(states: readonly ProviderState[], plan: BenchmarkPlan, signal: AbortSignal): RunningBenchmark {
  const startedAt = Date.now();
  const results = states.map((state): ProviderBenchmark => ({ provider: state.provider.id, model: state.provider.endpoint.model, calls: 0, answered: 0, validated: 0, fakes: {}, latenciesMs: [], errors: {}, tokens: 0, costUsd: 0, stoppedBy: null, inFlight: 0 }));
  const done = Promise.all(states.map((state, index) => loadProvider(state, plan, startedAt + plan.durationMs, signal, results[index] as ProviderBenchmark))).then(() => undefined);
  return { results, startedAt, done };
}
