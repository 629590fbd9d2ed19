import { adapterFor } from '../../ai/adapters/registry';
import { costUsd } from '../../ai/budget';
import { newChallenge } from '../../ai/challenge';
import { challengePrompt } from '../../ai/challenge-text';
import { worstCase } from '../../ai/ladder-validation';
import type { ProviderState } from '../../ai/ladder-state';
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
 * breaker as the exporter's validation rung.
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
      const prompt = challengePrompt(newChallenge());
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
      const call = await generate(adapter, provider.endpoint, { user: prompt, maxTokens: provider.maxTokens, temperature: provider.temperature }, timeout);
      result.inFlight -= 1;
      if (!call.ok) {
        result.errors[call.reason] = (result.errors[call.reason] ?? 0) + 1;
        state.budget.record({ requests: 1, tokens: 0, usd: 0 });
        state.circuit.recordFailure(call.reason, call.retryAfterSeconds);
        continue;
      }
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

/** A benchmark under way: its live results (for the progress bar) and when it ends. */
export interface RunningBenchmark {
  readonly results: readonly ProviderBenchmark[];
  readonly startedAt: number;
  readonly done: Promise<void>;
}

/** Starts the plan against every given provider at once. */
export function startBenchmark(states: readonly ProviderState[], plan: BenchmarkPlan, signal: AbortSignal): RunningBenchmark {
  const startedAt = Date.now();
  const results = states.map((state): ProviderBenchmark => ({ provider: state.provider.id, model: state.provider.endpoint.model, calls: 0, answered: 0, latenciesMs: [], errors: {}, tokens: 0, costUsd: 0, stoppedBy: null, inFlight: 0 }));
  const done = Promise.all(states.map((state, index) => loadProvider(state, plan, startedAt + plan.durationMs, signal, results[index] as ProviderBenchmark))).then(() => undefined);
  return { results, startedAt, done };
}
