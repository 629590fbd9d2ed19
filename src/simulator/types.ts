import { z } from 'zod';
import { API_STYLES } from '../ai/types';

/** Modes of an honest model. */
export const HONEST_MODES = ['honest', 'reasoning', 'occasional_429'] as const;
/** Modes that answer with a fake (canned, replayed, wrong...) reply; see FAKE_MODES for what must catch each. */
export const FAKE_MODE_NAMES = [
  'canned', 'replay', 'wrong_answer', 'echo', 'wrong_model', 'static_id', 'no_usage', 'instant', 'constant_latency', 'duplicate',
  'intermittent', 'generic_model', 'stale_created', 'sequential_id', 'frozen_usage', 'short_answer', 'stream_burst', 'stream_json',
] as const;
/** Modes that fail at the HTTP or network level. */
export const FAILURE_MODES = ['rate_limited', 'server_error', 'flaky', 'slow', 'trickle', 'huge', 'endless', 'malformed', 'wrong_shape', 'bad_key', 'model_missing', 'down'] as const;
export const SIM_MODES = [...HONEST_MODES, ...FAKE_MODE_NAMES, ...FAILURE_MODES] as const;

export type SimMode = (typeof SIM_MODES)[number];
export type FakeMode = (typeof FAKE_MODE_NAMES)[number];
export type FailureMode = (typeof FAILURE_MODES)[number];

/** Knobs of a simulated provider; snake_case as in the providers file and the control API. */
export const simOptionsSchema = z
  .object({
    latency_ms: z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([min, max]) => min <= max, 'min must not exceed max').optional().describe('Honest delay range before replying; default [20, 80].'),
    delay_ms: z.number().int().min(0).optional().describe('slow: wait before replying (default 5000); constant_latency: the fixed delay (default 100).'),
    trickle_interval_ms: z.number().int().min(1).optional().describe('trickle: milliseconds between body bytes (default 100).'),
    huge_bytes: z.number().int().min(1).optional().describe('huge: body size (default 2 MiB + 1 KiB).'),
    hold_ms: z.number().int().min(1).optional().describe('endless: how long the body stays open before the socket is dropped (default 60000).'),
    retry_after: z.union([z.number().int().min(0), z.literal('date'), z.literal('none')]).optional().describe('rate_limited, occasional_429: Retry-After in seconds (default 7), "date" for an HTTP-date 30 s ahead, or "none" for no header.'),
    status: z.number().int().min(500).max(599).optional().describe('server_error: the status (default 500).'),
    scope: z.enum(['all', 'generation']).optional().describe('Failure modes: whether the models list fails too (default all).'),
    reasoning_field: z.enum(['reasoning_content', 'reasoning']).optional().describe('reasoning, OpenAI style: which message field carries the thinking (default reasoning_content).'),
    think_tags: z.boolean().optional().describe('reasoning, OpenAI and Ollama styles: put the thinking in a leading <think> block of the content instead.'),
    per_token_ms: z.number().min(0).max(1000).optional().describe('Honest replies: milliseconds per output token added to the base delay, so latency grows with output as a live model’s does (default 3).'),
    jitter_ms: z.number().int().min(0).max(60_000).optional().describe('constant_latency and instant: random extra delay 0..jitter_ms, as a loaded node adds (default 0).'),
    every: z.number().int().min(2).max(1000).optional().describe('occasional_429: every Nth generation call is refused with 429 (default 4); intermittent: every Nth reply is honest, the others canned (default 2).'),
    stall_ms: z.number().int().min(0).max(60_000).optional().describe('Any mode: every stall_every-th generation reply waits this much longer (an event-loop stall).'),
    stall_every: z.number().int().min(1).max(1000).optional().describe('Which replies stall_ms applies to (default 5).'),
    self_hosted: z.boolean().optional().describe('OpenAI style: answer as vLLM does: cmpl- ids, no system_fingerprint (pair with reported_models for path model names).'),
    clock_skew_s: z.number().int().min(-86_400).max(86_400).optional().describe('Honest replies: the server clock is off by this many seconds (created/created_at).'),
    cached_prompt_tokens: z.number().int().min(0).max(100_000).optional().describe('Honest replies: this many prompt tokens come from the prompt cache. Anthropic reports them as cache_read_input_tokens and leaves them out of input_tokens; OpenAI counts them in prompt_tokens and names them in prompt_tokens_details.cached_tokens.'),
    chunk_gap_ms: z.number().min(0).max(10_000).optional().describe('Streaming: milliseconds between chunks of an honest stream (default per_token_ms per chunk token).'),
  })
  .strict();
export type SimOptions = z.output<typeof simOptionsSchema>;

/** One simulated provider, as given in code or in the providers file. */
export const simProviderSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected a lower-case id'),
    style: z.enum(API_STYLES),
    model: z.string().min(1),
    api_key: z.string().min(1).nullable().default(null).describe('The key the provider expects, checked the way the real API checks it; null: no key.'),
    models: z.array(z.string().min(1)).optional().describe('What the models list returns; default [model, "sim-other-model"].'),
    reported_models: z.array(z.string().min(1)).min(1).optional().describe('Names honest replies report; default the model and, where fitting, a dated version of it.'),
    mode: z.enum(SIM_MODES).default('honest'),
    options: simOptionsSchema.default({}),
  })
  .strict();
export type SimProviderSpec = z.input<typeof simProviderSchema>;
export type SimProvider = z.output<typeof simProviderSchema>;

/** The body of `POST /_sim/providers/<id>`: a new mode and/or options (options replace the previous ones). */
export const simControlSchema = simOptionsSchema.extend({ mode: z.enum(SIM_MODES).optional() }).strict();
export type SimControl = z.output<typeof simControlSchema>;

export type EndpointKind = 'models' | 'generation' | 'unknown';

/** One request a simulated provider received. Credentials are never stored: auth header values are redacted. */
export interface SimRequestRecord {
  readonly kind: EndpointKind;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Lower-case header names; values of auth headers (and any value holding the key) are `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Where the expected key was found: header names, `query` or `body`. Empty when it was not sent. */
  readonly keyFoundIn: readonly string[];
  /** Epoch milliseconds. */
  readonly at: number;
  /** The status sent, or null while pending or when the socket was dropped. */
  status: number | null;
  /**
   * How much the simulator's own thread delayed this reply (ms): its timer fired late, or its loop
   * stalled while the request arrived or waited (starved of CPU). A test judging latency can tell
   * its harness's starvation from the provider's behaviour.
   */
  lateMs?: number;
}
