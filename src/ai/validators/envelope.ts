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
    check_id_format: z.boolean().default(true).describe('The id, after a prefix such as chatcmpl-, cmpl-, msg_ or gen-, must look random: at least 6 characters and not the next number after the previous id.'),
    check_created: z.boolean().default(true).describe('A reply timestamp (OpenAI `created`, Ollama `created_at`) must fall between sending and receiving, give or take the clock skew.'),
    clock_skew_seconds: z.number().int().min(0).max(86_400).default(600).describe('How far the provider’s clock may differ from the exporter’s.'),
    frozen_usage_runs: z.number().int().min(0).max(100).default(5).describe('Replies in a row with identical completion tokens although the asked-for length varied mark a recorded usage block; 0 turns the rule off.'),
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

/** The id after a conventional prefix (chatcmpl-, cmpl-, msg_, gen-, resp_...). */
const idBody = (id: string): string => id.replace(/^[A-Za-z]{1,16}[-_]/, '');

function idProblem(id: string, previous: string | undefined): string | undefined {
  const body = idBody(id);
  if (body.length < 6) return `the reply id "${id.slice(0, 80)}" is too short to be unique`;
  if (previous !== undefined && /^\d+$/.test(body)) {
    const before = idBody(previous);
    if (/^\d+$/.test(before) && id.slice(0, id.length - body.length) === previous.slice(0, previous.length - before.length)) {
      const step = Number(body) - Number(before);
      if (step > 0 && step <= 1000) return `the reply id "${id.slice(0, 80)}" counts up from the previous one ("${previous.slice(0, 80)}"): a hand-made sequence`;
    }
  }
  return undefined;
}

function createdProblem(ctx: ValidationContext, config: EnvelopeConfig): string | undefined {
  const created = ctx.reply.createdAt;
  if (created === undefined || created === null) return undefined;
  const skew = config.clock_skew_seconds * 1000;
  // `created` has whole seconds: allow one more second below.
  if (created < ctx.sentAt - skew - 1000 || created > ctx.receivedAt + skew) {
    const minutes = Math.round((created - ctx.receivedAt) / 60_000);
    return `the reply's timestamp ${new Date(created).toISOString()} is ${Math.abs(minutes)} min ${minutes < 0 ? 'before' : 'after'} the call (allowed skew ${config.clock_skew_seconds} s): a recorded envelope`;
  }
  return undefined;
}

function frozenUsage(ctx: ValidationContext, config: EnvelopeConfig): string | undefined {
  const n = config.frozen_usage_runs;
  const tokens = ctx.reply.usage?.completionTokens;
  if (n < 2 || tokens === undefined) return undefined;
  const recent = [...ctx.windows.samples.slice(-(n - 1)), { completionTokens: tokens, items: ctx.challenge.items ?? 0, textChars: ctx.reply.text.trim().length }];
  if (recent.length < n || !recent.every((sample) => sample.completionTokens === tokens)) return undefined;
  const items = recent.map((sample) => sample.items);
  const chars = recent.map((sample) => sample.textChars);
  // Each number of the count list is at least one token, so identical counts over lists that differ by 3+ numbers are recorded.
  // Same text, same count is honest: only replies that really differ in length must differ in tokens.
  if (Math.max(...items) - Math.min(...items) < 3 || Math.max(...chars) - Math.min(...chars) < 6) return undefined;
  return `the last ${n} replies all report ${tokens} completion tokens although their lengths ranged ${Math.min(...chars)}..${Math.max(...chars)} characters: a recorded usage block`;
}

/**
 * `envelope`: what surrounds the answer must look like a live API's reply. The id is present (for
 * styles that have one) and never seen before; the model is the one asked for; token usage exists
 * and fits the prompt and reply lengths. A proxy serving stored replies or a stub usually gets one
 * of these wrong even when its text is right.
 */
export const envelopeValidator: ValidatorDefinition<typeof schema> = {
  name: 'envelope',
  summary: 'reply id present, unique and random-looking, timestamp current, model the one asked for, token usage present, plausible and following the reply over runs',
  schema,
  create: (config) => ({
    check(ctx) {
      const { reply, provider } = ctx;
      const id = reply.id.trim();
      if (config.require_id && !id && !config.id_optional_styles.includes(provider.style)) return flag('envelope', 'the reply has no id');
      if (id && ctx.windows.replyIds.slice(-config.id_window).includes(id)) return flag('envelope', `the reply id "${id.slice(0, 80)}" was already used by an earlier reply`);
      if (id && config.check_id_format) {
        const problem = idProblem(id, ctx.windows.replyIds[ctx.windows.replyIds.length - 1]);
        if (problem) return flag('envelope', problem);
      }
      if (config.check_created) {
        const problem = createdProblem(ctx, config);
        if (problem) return flag('envelope', problem);
      }
      if (config.check_model) {
        const model = reply.model.trim();
        if (!model && !config.model_optional_styles.includes(provider.style)) return flag('envelope', 'the reply does not say which model answered');
        if (model && !sameModel(provider.model, model)) return flag('envelope', `model "${model.slice(0, 80)}" answered, but "${provider.model}" was asked for`);
      }
      if (config.check_usage) {
        const problem = checkUsage(ctx, config) ?? frozenUsage(ctx, config);
        if (problem) return flag('envelope', problem);
      }
      return pass('id, model and usage look like a live reply');
    },
  }),
};
