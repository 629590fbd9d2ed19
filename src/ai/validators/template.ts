import { z } from 'zod';
import { AMAS_FAKE_PHRASES, AMAS_FAKE_PROVIDER_NAMES } from './phrases';
import { flag, pass, type ValidatorDefinition } from './types';

const phraseList = z.array(z.string().trim().min(2).max(200)).max(500);

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Reject replies holding a known fake-AI phrase or naming a fake provider.'),
    phrases: phraseList.default([...AMAS_FAKE_PHRASES]).describe('Phrases that mark a canned reply (case-insensitive); the default is AMAS’s own list.'),
    extra_phrases: phraseList.default([]).describe('Phrases added to `phrases`.'),
    fake_model_names: phraseList.default([...AMAS_FAKE_PROVIDER_NAMES]).describe('Names that, as whole words in the reply’s model field (or after "Provider:" in its text), mark a fake.'),
    extra_fake_model_names: phraseList.default([]).describe('Names added to `fake_model_names`.'),
  })
  .strict();

const squash = (text: string): string => text.replace(/\s+/g, ' ').toLowerCase();
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `template`: the reply contains a phrase that AMAS's fallback and template code produces, or says
 * it came from a fake provider ("mock", "fallback", ...). No live model answers the challenge that way.
 */
export const templateValidator: ValidatorDefinition<typeof schema> = {
  name: 'template',
  summary: 'no phrase of AMAS’s fake-AI list and no fake provider name (mock, fallback, template, ...)',
  schema,
  create: (config) => {
    const phrases = [...config.phrases, ...config.extra_phrases].map(squash);
    const names = [...config.fake_model_names, ...config.extra_fake_model_names].map(squash);
    const nameWord = names.length > 0 ? new RegExp(`(^|[^a-z0-9])(${names.map(escape).join('|')})($|[^a-z0-9])`) : undefined;
    const providerLine = names.length > 0 ? new RegExp(`provider\\s*:\\s*(${names.map(escape).join('|')})\\b`) : undefined;
    return {
      check(ctx) {
        const text = squash(`${ctx.reply.text}`);
        const phrase = phrases.find((candidate) => text.includes(candidate));
        if (phrase) return flag('template', `the reply contains the canned phrase "${phrase}"`);
        const named = providerLine?.exec(text);
        if (named) return flag('template', `the reply names the fake provider "${named[1]}"`);
        const model = squash(ctx.reply.model).replace(/[-_/:.]+/g, ' ');
        const fakeModel = nameWord?.exec(model);
        // A fake name in the model field is an envelope fault: the reply says who answered, wrongly.
        if (fakeModel) return flag('envelope', `the reply says it came from model "${ctx.reply.model.slice(0, 80)}", a fake provider name`);
        return pass('no canned phrase or fake provider name');
      },
    };
  },
};
