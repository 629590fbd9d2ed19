import { parseChallengePrompt, type ChallengeValues } from '../ai/challenge-text';
import { CANNED_TEXTS, DUPLICATE_TEXT, honestText, otherFamily, pick, plainText, reasoningText, tokensOf, wrongAnswerText } from './answers';
import type { SimProviderState } from './provider-state';
import type { SimAnswer, SimRequest } from './styles/types';
import { FAILURE_MODES, type EndpointKind, type SimMode } from './types';

/** What the server does with one request; the server only executes plans. */
export type Plan =
  | { readonly type: 'json'; readonly status: number; readonly body: unknown; readonly headers: Readonly<Record<string, string>>; readonly delayMs: number }
  | { readonly type: 'text'; readonly status: number; readonly text: string; readonly delayMs: number }
  | { readonly type: 'trickle'; readonly text: string; readonly intervalMs: number }
  | { readonly type: 'stream'; readonly headers: Readonly<Record<string, string>>; readonly chunks: readonly string[]; readonly firstDelayMs: number; readonly gapsMs: readonly number[] }
  | { readonly type: 'huge'; readonly bytes: number }
  | { readonly type: 'endless'; readonly holdMs: number }
  | { readonly type: 'destroy' };

const FAILURES: ReadonlySet<SimMode> = new Set(FAILURE_MODES);
const DEFAULT_LATENCY: readonly [number, number] = [20, 80];

/** Whether the provider's failure mode applies to this endpoint (`scope: generation` spares the models list). */
export const failureApplies = (state: SimProviderState, kind: EndpointKind): boolean =>
  FAILURES.has(state.mode) && (kind === 'generation' || (state.options.scope ?? 'all') === 'all');

/** An honest delay: random within the configured range, so no two calls look alike. */
function honestDelay(state: SimProviderState): number {
  const [min, max] = state.options.latency_ms ?? DEFAULT_LATENCY;
  return min + Math.floor(Math.random() * (max - min + 1));
}

const json = (status: number, body: unknown, delayMs: number, headers: Record<string, string> = {}): Plan => ({ type: 'json', status, body, headers, delayMs });

function retryAfterHeaders(state: SimProviderState): Record<string, string> {
  const setting = state.options.retry_after ?? 7;
  if (setting === 'none') return {};
  return { 'retry-after': setting === 'date' ? new Date(Date.now() + 30_000).toUTCString() : String(setting) };
}

/**
 * The failure-mode plan for an endpoint whose good reply would be `okBody`; undefined when the mode
 * lets this call through (flaky's good turns, model_missing which the callers handle).
 */
function failurePlan(state: SimProviderState, kind: EndpointKind, okBody: unknown, okHeaders: Record<string, string>): Plan | undefined {
  const style = state.style;
  const options = state.options;
  // bad_key is answered by keyPlan before the request is read.
  switch (state.mode) {
    case 'rate_limited': {
      const error = style.error('rate_limited', '');
      return json(error.status, error.body, 0, retryAfterHeaders(state));
    }
    case 'server_error': {
      const error = style.error('server_error', '');
      return json(options.status ?? error.status, error.body, 0);
    }
    case 'flaky': {
      // Odd calls (1st, 3rd...) succeed, even ones fail, counted per endpoint so a models-then-generate ladder sees both.
      if (state.calls[kind] % 2 === 1) return undefined;
      return json(503, style.error('server_error', '').body, 0);
    }
    case 'slow':
      return json(200, okBody, options.delay_ms ?? 5000, okHeaders);
    case 'trickle':
      return { type: 'trickle', text: JSON.stringify(okBody), intervalMs: options.trickle_interval_ms ?? 100 };
    case 'huge':
      return { type: 'huge', bytes: options.huge_bytes ?? 2 * 1_048_576 + 1024 };
    case 'endless':
      return { type: 'endless', holdMs: options.hold_ms ?? 60_000 };
    case 'malformed':
      return { type: 'text', status: 200, text: '{"id": "sim-1", "choices": [{"message": {"content": "unterminated', delayMs: 0 };
    case 'wrong_shape':
      return json(200, { result: 'ok', data: { answer: 42 }, status: 'success' }, 0);
    case 'down':
      return { type: 'destroy' };
    default:
      return undefined;
  }
}

/** The models list; model_missing leaves the configured model out. */
export function modelsPlan(state: SimProviderState): Plan {
  const models = state.mode === 'model_missing' ? state.models.filter((name) => name !== state.spec.model) : state.models;
  const body = state.style.modelsBody(models);
  const headers = state.style.replyHeaders();
  return (failureApplies(state, 'models') ? failurePlan(state, 'models', body, headers) : undefined) ?? json(200, body, honestDelay(state), headers);
}

interface Draft {
  text: string;
  reasoning: string;
  model: string;
  id: string;
  withUsage: boolean;
  delayMs: number;
  /** A fake's own delay: not stretched by the output length. */
  fixedDelay: boolean;
  createdMs: number;
  usage?: { prompt: number; completion: number };
}

/** Extra delay of a loaded node: 0..jitter_ms. */
const jitter = (state: SimProviderState): number => Math.floor(Math.random() * ((state.options.jitter_ms ?? 0) + 1));

/** How each fake or honest mode bends an honest draft; modes not listed answer honestly. */
const MODE_EDITS: Partial<Record<SimMode, (draft: Draft, state: SimProviderState, request: SimRequest, values: ChallengeValues | undefined) => void>> = {
  reasoning: (d, _s, _r, values) => { d.reasoning = values === undefined ? 'A simple request; a short friendly answer fits.' : reasoningText(values); },
  canned: (d) => { d.text = pick(CANNED_TEXTS); },
  replay: (d, state) => { d.text = state.firstAnswer ?? d.text; },
  wrong_answer: (d, _s, _r, values) => { if (values !== undefined) d.text = wrongAnswerText(values); },
  echo: (d, _s, request) => { d.text = request.user; },
  wrong_model: (d, state) => { d.model = otherFamily(state.spec.model); },
  static_id: (d, state) => { d.id = state.staticId; },
  no_usage: (d) => { d.withUsage = false; },
  instant: (d, state) => { d.delayMs = jitter(state); d.fixedDelay = true; },
  constant_latency: (d, state) => { d.delayMs = (state.options.delay_ms ?? 100) + jitter(state); d.fixedDelay = true; },
  duplicate: (d) => { d.text = DUPLICATE_TEXT; },
  intermittent: (d, state) => { if (state.calls.generation % (state.options.every ?? 2) !== 0) d.text = pick(CANNED_TEXTS); },
  generic_model: (d) => { d.model = 'AI System'; },
  stale_created: (d) => { d.createdMs = Date.now() - 3_600_000; },
  sequential_id: (d, state) => { d.id = `${fixedIdPrefix(state.style.newId)}${1_000_000 + state.calls.generation}`; },
  frozen_usage: (d) => { d.usage = { prompt: 52, completion: 12 }; },
  short_answer: (d, _s, _r, values) => { if (values !== undefined) d.text = `${values.code} ${values.a + values.b}`; },
};

/**
 * The fixed part of a style's ids ("chatcmpl-", "msg_"): the longest prefix ending in "-" or "_"
 * that three fresh ids share. A random id that happens to start with letters and a dash (a UUID
 * like "deadbeef-…") has no fixed part, so the sequence's prefix never changes between calls.
 */
function fixedIdPrefix(newId: () => string): string {
  const ids = [newId(), newId(), newId()];
  let common = ids[0] ?? '';
  for (const id of ids) while (!id.startsWith(common)) common = common.slice(0, -1);
  const cut = Math.max(common.lastIndexOf('-'), common.lastIndexOf('_'));
  return cut < 0 ? '' : common.slice(0, cut + 1);
}

/** What the model says to a generation request in the current mode. */
export function answerFor(state: SimProviderState, request: SimRequest): { answer: SimAnswer; delayMs: number } {
  const values = parseChallengePrompt(request.user);
  const honest = values === undefined ? plainText(request.user) : honestText(values);
  const createdMs = Date.now() + (state.options.clock_skew_s ?? 0) * 1000;
  const draft: Draft = { text: honest, reasoning: '', model: pick(state.reportedModels), id: state.style.newId(), withUsage: true, delayMs: honestDelay(state), fixedDelay: false, createdMs };
  MODE_EDITS[state.mode]?.(draft, state, request, values);
  if (values !== undefined && draft.text === honest && state.firstAnswer === undefined) state.firstAnswer = honest;
  const completion = tokensOf(draft.text) + tokensOf(draft.reasoning);
  const prompt = tokensOf(request.system + request.user) + 8;
  const cached = Math.min(prompt - 1, state.options.cached_prompt_tokens ?? 0);
  const usage = draft.withUsage ? (draft.usage ?? { prompt, completion, ...(cached > 0 ? { cached } : {}) }) : null;
  // A live model takes longer the more it writes; a fake's delay is its own.
  let delayMs = draft.fixedDelay ? draft.delayMs : draft.delayMs + Math.round((state.options.per_token_ms ?? 3) * completion);
  const stallEvery = state.options.stall_every ?? 5;
  if ((state.options.stall_ms ?? 0) > 0 && state.calls.generation % stallEvery === 0) delayMs += state.options.stall_ms ?? 0;
  const answer: SimAnswer = {
    text: draft.text,
    reasoning: draft.reasoning,
    reasoningField: state.options.reasoning_field ?? 'reasoning_content',
    thinkTags: state.options.think_tags ?? false,
    model: draft.model,
    id: draft.id,
    usage,
    createdMs: draft.createdMs,
    selfHosted: state.options.self_hosted ?? false,
  };
  return { answer, delayMs };
}

/** The generation reply: model checks as the real API does them, then the mode's answer or failure. */
export function generationPlan(state: SimProviderState, request: SimRequest): Plan {
  const style = state.style;
  const known = state.mode !== 'model_missing' && (request.model === state.spec.model || state.models.includes(request.model));
  if (!known) {
    const error = style.error('model_not_found', request.model.slice(0, 100));
    return json(error.status, error.body, 0);
  }
  if (state.mode === 'occasional_429' && state.calls.generation % (state.options.every ?? 4) === 0) {
    const error = style.error('rate_limited', '');
    return json(error.status, error.body, 0, retryAfterHeaders(state));
  }
  const { answer, delayMs } = answerFor(state, request);
  const body = style.replyBody(answer);
  const headers = style.replyHeaders();
  const failing = failureApplies(state, 'generation') ? failurePlan(state, 'generation', body, headers) : undefined;
  if (failing) return failing;
  if (request.stream && style.streamChunks && state.mode !== 'stream_json') return streamPlan(state, answer, delayMs, headers);
  return json(200, body, delayMs, headers);
}

/** Splits text into pieces of a few characters, as a tokenizer streams it. */
function piecesOf(text: string): string[] {
  const pieces = text.match(/\s*\S{1,4}/g) ?? [];
  return pieces.length > 0 ? pieces : [text];
}

/**
 * An answer streamed: an honest stream spends the delay's fixed part before the first chunk and
 * its per-token part between chunks; stream_burst holds everything back, then sends it at once.
 */
function streamPlan(state: SimProviderState, answer: SimAnswer, delayMs: number, headers: Record<string, string>): Plan {
  const style = state.style;
  const pieces = piecesOf(answer.text);
  const chunks = (style.streamChunks as NonNullable<typeof style.streamChunks>)(answer, pieces);
  const streamHeaders = { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
  if (state.mode === 'stream_burst') return { type: 'stream', headers: streamHeaders, chunks, firstDelayMs: delayMs + 200, gapsMs: chunks.map(() => 0) };
  const perToken = state.options.per_token_ms ?? 3;
  const gap = state.options.chunk_gap_ms ?? Math.max(1, perToken);
  const generation = Math.round(gap * pieces.length);
  const first = Math.max(0, delayMs - generation);
  return { type: 'stream', headers: streamHeaders, chunks, firstDelayMs: first, gapsMs: chunks.map((_c, i) => (i === 0 ? 0 : gap)) };
}

/** Plans that apply before the request is even read (a provider that is down drops every connection). */
export const earlyPlan = (state: SimProviderState, kind: EndpointKind): Plan | undefined =>
  state.mode === 'down' && failureApplies(state, kind) ? { type: 'destroy' } : undefined;

/** The rejection for a wrong key or, in bad_key mode, for every key. */
export function keyPlan(state: SimProviderState, kind: EndpointKind, provided: string | undefined): Plan | undefined {
  const expected = state.spec.api_key;
  let rejection: 'missing_key' | 'bad_key' | undefined;
  if (expected !== null && provided === undefined) rejection = 'missing_key';
  else if (expected !== null && provided !== expected) rejection = 'bad_key';
  else if (state.mode === 'bad_key' && failureApplies(state, kind)) rejection = 'bad_key';
  if (rejection === undefined) return undefined;
  const error = state.style.error(rejection, '');
  return json(error.status, error.body, 0);
}
