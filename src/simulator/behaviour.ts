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

function retryAfterHeader(state: SimProviderState): string {
  const setting = state.options.retry_after ?? 7;
  return setting === 'date' ? new Date(Date.now() + 30_000).toUTCString() : String(setting);
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
      return json(error.status, error.body, 0, { 'retry-after': retryAfterHeader(state) });
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
}

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
  instant: (d) => { d.delayMs = 0; },
  constant_latency: (d, state) => { d.delayMs = state.options.delay_ms ?? 100; },
  duplicate: (d) => { d.text = DUPLICATE_TEXT; },
};

/** What the model says to a generation request in the current mode. */
export function answerFor(state: SimProviderState, request: SimRequest): { answer: SimAnswer; delayMs: number } {
  const values = parseChallengePrompt(request.user);
  const honest = values === undefined ? plainText(request.user) : honestText(values);
  const draft: Draft = { text: honest, reasoning: '', model: pick(state.reportedModels), id: state.style.newId(), withUsage: true, delayMs: honestDelay(state) };
  MODE_EDITS[state.mode]?.(draft, state, request, values);
  if (values !== undefined && draft.text === honest && state.firstAnswer === undefined) state.firstAnswer = honest;
  const usage = draft.withUsage ? { prompt: tokensOf(request.system + request.user) + 8, completion: tokensOf(draft.text) + tokensOf(draft.reasoning) } : null;
  const answer: SimAnswer = {
    text: draft.text,
    reasoning: draft.reasoning,
    reasoningField: state.options.reasoning_field ?? 'reasoning_content',
    thinkTags: state.options.think_tags ?? false,
    model: draft.model,
    id: draft.id,
    usage,
  };
  return { answer, delayMs: draft.delayMs };
}

/** The generation reply: model checks as the real API does them, then the mode's answer or failure. */
export function generationPlan(state: SimProviderState, request: SimRequest): Plan {
  const style = state.style;
  const known = state.mode !== 'model_missing' && (request.model === state.spec.model || state.models.includes(request.model));
  if (!known) {
    const error = style.error('model_not_found', request.model.slice(0, 100));
    return json(error.status, error.body, 0);
  }
  const { answer, delayMs } = answerFor(state, request);
  const body = style.replyBody(answer);
  const headers = style.replyHeaders();
  return (failureApplies(state, 'generation') ? failurePlan(state, 'generation', body, headers) : undefined) ?? json(200, body, delayMs, headers);
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
