import { z } from 'zod';
import { API_STYLES } from '../types';
import { sameModel } from '../model-names';
import { flag, pass, type ValidationContext, type ValidatorDefinition } from './types';

const styles = z.array(z.enum(API_STYLES));

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Check the reply envelope: id, model and token usage.'),
    require_id: z.boolean().default(true).describe('The reply must carry an id, not repeated across runs.'),
    id_optional_styles: styles.default(['ollama']).describe('API styles whose replies have no id (Ollama); an id they do send is still checked for repeats.'),
    id_window: z.number().int().min(1).max(10_000).default(64).describe('How many earlier reply ids a new id is compared with.'),
    check_model: z.boolean().default(true).describe('The model that answered must be the one asked for (a dated or versioned name of it is fine).'),
    model_optional_styles: styles.default(['cohere']).describe('API styles whose replies do not name the model (Cohere v2); a model they do name is still checked.'),
    check_usage: z.boolean().default(true).describe('Token usage must be present and plausible for the prompt and reply lengths.'),
    chars_per_token: z.number().min(1).max(10).default(4).describe('Rough characters per token used to estimate token counts.'),
    usage_tolerance: z.number().min(1).max(100).default(4).describe('Usage may differ from the estimate by this factor (tokenizers and chat templates vary).'),
    prompt_overhead_tokens: z.number().int().min(0).max(100_000).default(400).describe('Tokens a provider may add to the prompt (chat template, hidden system prompt).'),
  })
  .strict();

type EnvelopeConfig = z.output<typeof schema>;

function checkUsage(ctx: ValidationContext, config: EnvelopeConfig): string | undefined {
  const usage = ctx.reply.usage;
  if (!usage) return 'the reply reports no token usage';
  const { promptTokens, completionTokens, totalTokens } = usage;
  if (![promptTokens, completionTokens, totalTokens].every((n) => Number.isFinite(n) && n >= 0)) return 'the reply reports negative or non-numeric token counts';
  const promptEstimate = Math.ceil(ctx.prompt.length / config.chars_per_token);
  const promptMin = Math.floor(promptEstimate / config.usage_tolerance);
  const promptMax = promptEstimate * config.usage_tolerance + config.prompt_overhead_tokens;
  if (promptTokens < promptMin || promptTokens > promptMax) {
    return `prompt tokens ${promptTokens} are implausible for a ${ctx.prompt.length}-character prompt (expected ${promptMin}..${promptMax})`;
  }
  const text = ctx.reply.text.trim();
  // Reasoning tokens count as completion tokens with most providers, so only a floor holds for them.
  const completionMin = text.length === 0 ? 0 : Math.max(1, Math.floor(text.length / config.chars_per_token / config.usage_tolerance));
  if (completionTokens < completionMin) {
    return `completion tokens ${completionTokens} are too few for a ${text.length}-character reply (at least ${completionMin})`;
  }
  const completionMax = Math.ceil(ctx.maxTokens * 1.5) + 64 + Math.ceil((text.length + ctx.reply.reasoning.length) / config.chars_per_token);
  if (completionTokens > completionMax) return `completion tokens ${completionTokens} exceed what max tokens ${ctx.maxTokens} allows`;
  if (totalTokens < promptTokens + completionTokens) return `total tokens ${totalTokens} are fewer than prompt ${promptTokens} + completion ${completionTokens}`;
  return undefined;
}

/**
 * `envelope`: what surrounds the answer must look like a live API's reply. The id is present (for
 * styles that have one) and never seen before; the model is the one asked for; token usage exists
 * and fits the prompt and reply lengths. A proxy serving stored replies or a stub usually gets one
 * of these wrong even when its text is right.
 */
export const envelopeValidator: ValidatorDefinition<typeof schema> = {
  name: 'envelope',
  summary: 'reply id present and unique, model the one asked for, token usage present and plausible',
  schema,
  create: (config) => ({
    check(ctx) {
      const { reply, provider } = ctx;
      const id = reply.id.trim();
      if (config.require_id && !id && !config.id_optional_styles.includes(provider.style)) return flag('envelope', 'the reply has no id');
      if (id && ctx.windows.replyIds.slice(-config.id_window).includes(id)) return flag('envelope', `the reply id "${id.slice(0, 80)}" was already used by an earlier reply`);
      if (config.check_model) {
        const model = reply.model.trim();
        if (!model && !config.model_optional_styles.includes(provider.style)) return flag('envelope', 'the reply does not say which model answered');
        if (model && !sameModel(provider.model, model)) return flag('envelope', `model "${model.slice(0, 80)}" answered, but "${provider.model}" was asked for`);
      }
      if (config.check_usage) {
        const problem = checkUsage(ctx, config);
        if (problem) return flag('envelope', problem);
      }
      return pass('id, model and usage look like a live reply');
    },
  }),
};
