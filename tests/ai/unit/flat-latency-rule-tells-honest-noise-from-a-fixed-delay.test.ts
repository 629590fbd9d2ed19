import { challengePrompt, expectedAnswer, type ChallengeValues } from '../../../src/ai/challenge-text';
import { ITEMS_MAX, ITEMS_MIN, LONG_ITEMS_MIN } from '../../../src/ai/challenge';
import type { NormalizedReply } from '../../../src/ai/types';
import { validatorDefinitions, validatorSettingsSchema } from '../../../src/ai/validators/registry';
import type { ReplySample, ValidationContext } from '../../../src/ai/validators/types';
import { seededRandom as seeded } from '../../helpers/seeded-random';

/**
 * The flat-latency rule judged on thousands of seeded synthetic series: an honest model whose
 * latency is a wide random base plus a few ms per token (the shape that once read as "flat" about
 * once in 26 providers per 50 runs, when bunched middles passed for a fixed delay), and a fixed
 * delay with jitter and the odd stall. Both sides are counted, so loosening one breaks the other.
 */
/** The short half's upper end in src/ai/challenge.ts. */
const SHORT_MAX = 14;
const timing = validatorDefinitions.timing.create(validatorSettingsSchema.parse({}).timing);


interface Series {
  /** Latency of a reply of `tokens` output tokens. */
  latency: (tokens: number, random: () => number) => number;
  /** Output tokens of a reply whose answer is `answerTokens` long (a reasoning model also thinks). */
  tokens: (answerTokens: number) => number;
}

const HONEST_REASONING: Series = {
  latency: (tokens, random) => 250 + random() * 350 + 3 * tokens + random() * 4,
  tokens: (answer) => 2 * answer + 35,
};
const FIXED_DELAY: Series = {
  latency: (_tokens, random) => 250 + random() * 9 + (random() < 0.1 ? random() * 60 : random() * 4),
  tokens: (answer) => answer,
};

const reply = (text: string, completionTokens: number): NormalizedReply => ({
  text,
  reasoning: '',
  model: 'sim-model',
  id: 'id-1',
  usage: { promptTokens: 44, completionTokens, totalTokens: 44 + completionTokens },
  finishReason: 'stop',
  headers: { requestId: null, rateLimitRemainingRequests: null, rateLimitRemainingTokens: null, retryAfterSeconds: null },
});

/** Runs the timing check over `runs` replies of one provider; returns which runs it flagged. */
function judge(series: Series, runs: number, random: () => number): boolean[] {
  const samples: ReplySample[] = [];
  const flagged: boolean[] = [];
  let items: number | undefined;
  for (let run = 0; run < runs; run += 1) {
    // As the exporter's itemsAfter: short and long lists in turn, here drawn from the seeded generator.
    const short = items === undefined ? random() < 0.5 : items >= LONG_ITEMS_MIN;
    items = short ? ITEMS_MIN + Math.floor(random() * (SHORT_MAX - ITEMS_MIN + 1)) : LONG_ITEMS_MIN + Math.floor(random() * (ITEMS_MAX - LONG_ITEMS_MIN + 1));
    const values: ChallengeValues = { code: 'K7QX2M9P', a: 417, b: 288, items };
    const answer = expectedAnswer(values);
    const tokens = series.tokens(Math.ceil(answer.length / 4));
    const latencyMs = series.latency(tokens, random);
    const ctx: ValidationContext = {
      provider: { id: 'p', style: 'openai', baseUrl: 'http://127.0.0.1:1/v1', model: 'sim-model', reasoning: false },
      challenge: values,
      prompt: challengePrompt(values),
      maxTokens: 1024,
      reply: reply(answer, tokens),
      latencyMs,
      sentAt: 0,
      receivedAt: latencyMs,
      windows: { challenges: [], replyIds: [], replies: [], latenciesMs: samples.map((s) => s.latencyMs), samples: [...samples], seenCode: () => false },
    };
    flagged.push(!timing.check(ctx).ok);
    samples.push({ latencyMs, completionTokens: tokens, promptTokens: 44, items, textChars: answer.length, createdAt: null, at: run });
  }
  return flagged;
}

describe('the flat-latency rule', () => {
  it('flags at most 2 of 2,000 honest providers over 50 runs, yet nearly every run of a fixed delay', () => {
    const random = seeded(20261204);
    const providers = 2000;
    const honestFlagged = Array.from({ length: providers }, () => judge(HONEST_REASONING, 50, random)).filter((runs) => runs.some(Boolean)).length;
    // Seeded, so the count is the same on every run: 0 of 2,000. Trimming both ends of 12 replies from
    // the 8th flagged 77 (3.9 %); cutting only the slow end of those 12, 10 (0.5 %).
    expect(honestFlagged).toBeLessThanOrEqual(2);
    // From the rule's 12th reply on (min_runs), a fixed delay is flagged on all but a few runs.
    const fixed = Array.from({ length: 200 }, () => judge(FIXED_DELAY, 50, random).slice(11)).flat();
    expect(fixed.filter(Boolean).length / fixed.length).toBeGreaterThan(0.95);
  });
});
