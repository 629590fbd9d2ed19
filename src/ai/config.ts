import { z } from 'zod';
import { duration, DURATION_BOUNDS, optionalDuration, type DurationBounds } from '../config/fields';
import { findProvider } from './catalogue';
import { API_STYLES } from './types';
import { validatorOverridesSchema, validatorSettingsSchema } from './validators/registry';

/** Provider ids become label values and task names (`ai_<id>_validation`). */
export const providerId = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, { message: 'expected a provider id of lower-case letters, digits and "_", starting with a letter (at most 32 characters)' });

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }).transform((url) => url.replace(/\/+$/, ''));
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' });
const price = z
  .object({
    input: z.number().min(0).max(10_000).describe('USD per million prompt tokens.'),
    output: z.number().min(0).max(10_000).describe('USD per million completion tokens.'),
  })
  .strict();

const limit = z.number().min(0).nullable();
const budgetSchema = z
  .object({
    requests: limit.default(96).describe('Paid calls per provider per UTC day (null: no limit).'),
    tokens: limit.default(60_000).describe('Tokens (prompt + completion) per provider per UTC day (null: no limit).'),
    usd: limit.default(0.25).describe('Estimated USD per provider per UTC day, from the price table (null: no limit).'),
  })
  .strict();
const budgetOverride = z.object({ requests: limit.optional(), tokens: limit.optional(), usd: limit.optional() }).strict();

// The paid rung has a higher floor than the free ones (DURATION_BOUNDS in src/config/fields.ts).
const rung = (interval: string, timeout: string, every: DurationBounds = DURATION_BOUNDS.interval) =>
  z
    .object({
      interval: duration(interval, every).describe('How often the rung runs.'),
      timeout: duration(timeout, DURATION_BOUNDS.timeout).describe('Hard deadline of one run.'),
    })
    .strict();
/** An override holds only what it sets: durations without defaults, within the rung's bounds. */
const rungOverride = (every: DurationBounds = DURATION_BOUNDS.interval) => z.object({ interval: optionalDuration(every), timeout: optionalDuration(DURATION_BOUNDS.timeout) }).strict();

/**
 * Default intervals: reachability and the models list cost nothing; the paid validation runs twice an
 * hour, 48 calls a day per provider (see the cost table in docs/providers.md).
 */
const rungsSchema = z
  .object({
    reachability: rung('30s', '5s').prefault({}),
    metadata: rung('5m', '15s').prefault({}),
    validation: rung('30m', '60s', DURATION_BOUNDS.paidInterval).prefault({}),
  })
  .strict();

/** The ladder's rungs, cheapest first; each runs only while the one below passes. */
export const RUNG_NAMES = ['reachability', 'metadata', 'validation'] as const;
export type RungName = (typeof RUNG_NAMES)[number];

/** One entry of `ai.providers`: overrides of a catalogue provider, or a new provider of a known style. */
const providerSchema = z
  .object({
    enabled: z.union([z.boolean(), z.literal('auto')]).default('auto').describe('auto: probed when its key is set (keyless providers: when base_url or base_url_env is set); false: not reported at all.'),
    style: z.enum(API_STYLES).optional().describe('API style; required for a provider the catalogue does not know.'),
    base_url: httpUrl.optional(),
    model: z.string().trim().min(1).max(200).optional(),
    headers: z.record(z.string(), z.string()).optional().describe('Extra request headers, merged over the catalogue’s.'),
    key_env: z.array(envName).optional().describe('Environment variables holding the key, first set wins; replaces the catalogue’s list.'),
    api_key: z.string().optional().describe('The key itself: write ${VAR} or api_key_file: /path, never the value.'),
    priority: z.number().int().min(0).max(1000).optional(),
    reasoning: z.boolean().optional().describe('The model thinks before answering: it gets reasoning_max_tokens.'),
    expected_latency_seconds: z.tuple([z.number().min(0), z.number().min(0)]).optional(),
    price_usd_per_million_tokens: price.optional(),
    max_tokens: z.number().int().min(16).max(32_768).optional().describe('Output cap of the validation call; overrides the model-aware default.'),
    rungs: z.object({ reachability: rungOverride().optional(), metadata: rungOverride().optional(), validation: rungOverride(DURATION_BOUNDS.paidInterval).optional() }).strict().optional(),
    validators: validatorOverridesSchema.optional(),
    budget: budgetOverride.optional(),
    stream: z.boolean().optional().describe('Make the streaming check’s streamed call (styles openai, anthropic, gemini, cohere); overrides ai.stream.'),
    stream_every: z.number().int().min(1).max(1000).optional().describe('Overrides ai.stream_every for this provider.'),
  })
  .strict();
/** One provider's overrides as parsed (durations in milliseconds). */
export type ProviderOverride = z.output<typeof providerSchema>;

const circuitSchema = z
  .object({
    failure_threshold: z.number().int().min(1).max(100).default(3).describe('Consecutive failed paid calls that open the circuit.'),
    cooldown: duration('15m').describe('How long an open circuit waits before one trial call.'),
    max_cooldown: duration('4h').describe('Each failed trial doubles the cool-down up to this.'),
  })
  .strict();

const egressSchema = z
  .object({
    canary_url: z.union([httpUrl, z.literal('')]).default('').describe('Off (empty) by default. A URL reached like a provider’s base URL (DNS, TCP, TLS; no request), ideally a configured provider’s own host so no extra egress rule is needed; without it, outages are never blamed on egress.'),
    interval: duration('30s'),
    timeout: duration('5s'),
  })
  .strict();

/** The `ai:` section. Every key has a default; an empty section probes every catalogue provider whose key is set. */
export const aiConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Probe AI providers at all.'),
    include_catalogue: z.boolean().default(true).describe('Report every catalogue provider; false: only those listed under `providers`.'),
    providers: z.record(providerId, providerSchema).default({}).describe('Per-provider overrides by id; an id the catalogue lacks adds a provider (style, base_url and model required).'),
    rungs: rungsSchema.prefault({}),
    max_tokens: z.number().int().min(16).max(32_768).default(128).describe('Output cap of the validation call for ordinary models (the answer lists up to 40 numbers).'),
    reasoning_max_tokens: z.number().int().min(256).max(32_768).default(1024).describe('Output cap for reasoning models: room to think, then answer.'),
    temperature: z.number().min(0).max(2).default(0),
    stream: z.boolean().default(true).describe('The streaming check: a validation also makes a streamed call and judges the stream (well formed, answering the challenge, chunks spread over time), for providers whose style streams (openai, anthropic, gemini, cohere).'),
    stream_every: z.number().int().min(1).max(1000).default(4).describe('The streamed call is made on one validation in this many (1: every one), counted over the provider’s shared history, and on every validation while the provider is flagged for its stream. Each streamed call is a second paid call.'),
    validators: validatorSettingsSchema.prefault({}),
    budget: budgetSchema.prefault({}).describe('Daily limits per provider; over a limit the validation is skipped and reported unknown.'),
    prices: z.record(z.string().min(1), price).default({}).describe('USD per million tokens by model name; overrides the catalogue’s estimate.'),
    circuit: circuitSchema.prefault({}),
    egress: egressSchema.prefault({}),
    rate_window: z.number().int().min(1).max(1000).default(20).describe('Validation runs (skips excluded) behind amas_provider_success_rate and _error_rate.'),
    replay_window: z.number().int().min(1).max(10_000).default(64).describe('Earlier challenges whose answers count as replays.'),
    verdict: z
      .object({
        clear_after: z.number().int().min(1).max(100).default(3).describe('Consecutive clean validations before a provider flagged as fake AI is reported healthy again.'),
        window: z.number().int().min(1).max(1000).default(20).describe('Validation runs behind "fake in N of the last M runs" in /health, the status page and the debug report.'),
      })
      .strict()
      .prefault({}),
    // Not `state_file`: the loader reads every `<key>_file` into `<key>`, so that name would mean "read the state from this file".
    state_path: z.string().max(4096).default('').describe('JSON file (on the exporter’s volume) holding each provider’s validation history and verdict, so a restart and the CLI judge with the same history; empty: memory only.'),
    history: z
      .object({
        successes: z.number().int().min(0).max(1000).default(10).describe('Validation runs kept for the debug view when they validated.'),
        failures: z.number().int().min(0).max(1000).default(50).describe('Validation runs kept when they failed, were flagged or skipped.'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((ai, ctx) => {
    for (const name of RUNG_NAMES) {
      const global = ai.rungs[name];
      if (global.timeout > global.interval) ctx.addIssue({ code: 'custom', path: ['rungs', name, 'timeout'], message: `timeout must not be longer than interval (${global.timeout}ms > ${global.interval}ms)` });
      for (const [id, provider] of Object.entries(ai.providers)) {
        const own = provider.rungs?.[name];
        if (!own) continue;
        const timeout = own.timeout ?? global.timeout;
        const interval = own.interval ?? global.interval;
        if (timeout > interval) ctx.addIssue({ code: 'custom', path: ['providers', id, 'rungs', name], message: `timeout must not be longer than interval (${timeout}ms > ${interval}ms)` });
      }
    }
    for (const [id, provider] of Object.entries(ai.providers)) {
      if (findProvider(id)) continue;
      for (const key of ['style', 'base_url', 'model'] as const) {
        if (provider[key] === undefined) ctx.addIssue({ code: 'custom', path: ['providers', id, key], message: `"${id}" is not in the catalogue, so ${key} is required` });
      }
    }
  });

/** The `ai:` section after defaults are applied. */
export type AiConfig = z.output<typeof aiConfigSchema>;
