import { z } from 'zod';
import { judgeAnswer } from '../challenge';
import { flag, pass, type ValidatorDefinition } from './types';

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Judge the challenge answer (the core check; turning it off leaves only heuristics).'),
    max_numbers: z.number().int().min(1).max(100).default(6).describe('A reply with more distinct numbers than this is a guess, not an answer.'),
    max_chars: z.number().int().min(20).max(100_000).default(1000).describe('A reply longer than this (after stripping markdown) is not a one-line answer.'),
  })
  .strict();

/**
 * `answer`: the reply must carry the challenge's code and the sum, which only a model that read
 * this prompt can produce. Fails with `replay` when the reply carries an earlier challenge's answer
 * instead, else `wrong_answer`. The judging rules are in ../challenge.ts.
 */
export const answerValidator: ValidatorDefinition<typeof schema> = {
  name: 'answer',
  summary: 'the reply answers this run’s challenge (code copied, sum computed, count list given); an earlier code, even beyond the window, is a replay',
  schema,
  create: (config) => ({
    check(ctx) {
      const judgement = judgeAnswer(ctx.reply.text, ctx.challenge, ctx.windows.challenges, { maxNumbers: config.max_numbers, maxChars: config.max_chars }, (code) => ctx.windows.seenCode(code));
      if (judgement.verdict === 'right') return pass(judgement.detail);
      return flag(judgement.verdict, judgement.detail);
    },
  }),
};
