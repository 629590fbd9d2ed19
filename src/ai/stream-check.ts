import type { BodyChunk } from '../lib/http-exchange';
import { judgeAnswer } from './challenge';
import type { ChallengeValues } from './challenge-text';
import { targetOf } from './call-failure';
import { send } from './http-call';
import type { ApiStyle, RequestSpec } from './types';

/**
 * The streaming check: the validation's prompt sent once more as a streaming request, and the
 * stream judged as a live server's stream. A live model sends its answer as it writes it: server-
 * sent events (Gemini's `streamGenerateContent?alt=sse` too) whose content chunks arrive over the
 * generation time. A stub that holds the whole answer and then flushes it, or answers a streaming
 * request with a plain JSON body, is not streaming what a model writes.
 */

/** Styles with a streaming API this check speaks. */
export const STREAM_STYLES: readonly ApiStyle[] = ['openai', 'anthropic', 'gemini', 'cohere'];

/** Fewer content chunks than this say nothing about bursts (a short answer may come in two). */
export const BURST_MIN_CHUNKS = 6;
/**
 * A burst: the content chunks' median gap is under BURST_GAP_MS (they came in the same reads) and
 * all of them arrived within BURST_SHARE of the wait before the first one. Both must hold. A very
 * fast host (thousands of tokens a second) has gaps near 1 ms, but its content spans a good share
 * of its short wait; a reasoning model that thinks silently for seconds then streams its answer
 * has a small share, but gaps of many ms. A buffer flushed after a pause has neither.
 */
export const BURST_GAP_MS = 1;
export const BURST_SHARE = 0.1;

/** The generation request as the style streams it. */
export function streamRequest(style: ApiStyle, spec: RequestSpec): RequestSpec {
  if (style === 'gemini') return { ...spec, url: spec.url.replace(/:generateContent(?=$|\?)/, ':streamGenerateContent').replace(/(\?|$)/, (m) => (m === '?' ? '?alt=sse&' : '?alt=sse')) };
  const body = (spec.body ?? {}) as Record<string, unknown>;
  // OpenAI sends usage in a stream only when asked for it.
  return { ...spec, body: { ...body, stream: true, ...(style === 'openai' ? { stream_options: { include_usage: true } } : {}) } };
}

const asObject = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
const at = (value: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((node, key) => (Array.isArray(node) ? node[key as number] : asObject(node)[key as string]), value);

/** The answer text one event carries, by style; '' for events without any (starts, ends, usage). */
function contentOf(style: ApiStyle, data: unknown): string {
  switch (style) {
    case 'openai': {
      const content = at(data, 'choices', 0, 'delta', 'content');
      return typeof content === 'string' ? content : '';
    }
    case 'anthropic':
      return at(data, 'type') === 'content_block_delta' && at(data, 'delta', 'type') === 'text_delta' ? String(at(data, 'delta', 'text') ?? '') : '';
    case 'gemini': {
      const parts = at(data, 'candidates', 0, 'content', 'parts');
      return Array.isArray(parts) ? parts.filter((part) => asObject(part).thought !== true).map((part) => String(asObject(part).text ?? '')).join('') : '';
    }
    case 'cohere':
      return at(data, 'type') === 'content-delta' ? String(at(data, 'delta', 'message', 'content', 'text') ?? '') : '';
    default:
      return '';
  }
}

/** One content chunk of a stream: its text and when its last byte arrived (ms since the request). */
interface ContentEvent {
  readonly text: string;
  readonly atMs: number;
}

/** Splits an SSE body into events and finds when each arrived, from the recorded body chunks. */
function contentEvents(style: ApiStyle, body: string, chunks: readonly BodyChunk[]): { events: ContentEvent[]; malformed: number } {
  const events: ContentEvent[] = [];
  let malformed = 0;
  let offset = 0;
  const arrival = (end: number): number => (chunks.find((chunk) => chunk.offset + chunk.bytes >= end) ?? chunks[chunks.length - 1])?.atMs ?? 0;
  for (const block of body.split(/(?<=\r?\n\r?\n)/)) {
    offset += Buffer.byteLength(block);
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data === '' || data === '[DONE]') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      malformed += 1;
      continue;
    }
    const text = contentOf(style, parsed);
    if (text !== '') events.push({ text, atMs: arrival(offset) });
  }
  return { events, malformed };
}

/** What the streaming check found. */
export type StreamVerdict =
  | { readonly ok: true; readonly detail: string; readonly ttftMs: number; readonly gapsMs: readonly number[] }
  | { readonly ok: false; readonly fake: true; readonly detail: string; readonly ttftMs: number | null; readonly gapsMs: readonly number[] }
  /** The streamed call itself failed: nothing to judge (the run's verdict stands). */
  | { readonly ok: false; readonly fake: false; readonly detail: string };

/** Judges a streamed reply: its content type, its events, its answer and how its chunks arrived. */
export function judgeStream(style: ApiStyle, challenge: ChallengeValues, reply: { readonly headers: Readonly<Record<string, string>>; readonly text: string; readonly chunks?: readonly BodyChunk[] }): StreamVerdict {
  const type = reply.headers['content-type'] ?? '';
  const body = reply.text.trimStart();
  if (!/^text\/event-stream/i.test(type) && !/^data:|^event:|^:/m.test(body)) {
    const json = /^[[{]/.test(body);
    return { ok: false, fake: true, detail: `a streaming request was answered with ${json ? 'a plain JSON body' : `a body of type "${type.slice(0, 60)}"`}, not an event stream`, ttftMs: null, gapsMs: [] };
  }
  const { events, malformed } = contentEvents(style, reply.text, reply.chunks ?? []);
  if (events.length === 0) return { ok: false, fake: true, detail: `the event stream carried no content${malformed > 0 ? ` (${malformed} events were not JSON)` : ''}`, ttftMs: null, gapsMs: [] };
  const first = (events[0] as ContentEvent).atMs;
  const last = (events[events.length - 1] as ContentEvent).atMs;
  const gapsMs = events.slice(1).map((event, index) => event.atMs - (events[index] as ContentEvent).atMs);
  const judged = judgeAnswer(events.map((event) => event.text).join(''), challenge, [], { maxNumbers: 6, maxChars: 1000 });
  if (judged.verdict !== 'right') return { ok: false, fake: true, detail: `the streamed answer is wrong: ${judged.detail}`, ttftMs: first, gapsMs };
  const sortedGaps = [...gapsMs].sort((x, y) => x - y);
  const medianGap = sortedGaps[Math.floor(sortedGaps.length / 2)] ?? 0;
  if (events.length >= BURST_MIN_CHUNKS && medianGap < BURST_GAP_MS && last - first < BURST_SHARE * first) {
    return { ok: false, fake: true, detail: `all ${events.length} content chunks arrived within ${(last - first).toFixed(1)} ms, after ${first.toFixed(0)} ms of silence: a finished answer flushed at once, not a model writing`, ttftMs: first, gapsMs };
  }
  return { ok: true, detail: `${events.length} content chunks over ${(last - first).toFixed(0)} ms, first after ${first.toFixed(0)} ms`, ttftMs: first, gapsMs };
}

/** Sends the streaming request and judges the stream; a failed call is reported, not judged. */
export async function streamCheck(style: ApiStyle, spec: RequestSpec, apiKey: string | null, challenge: ChallengeValues, signal: AbortSignal): Promise<StreamVerdict> {
  const request = streamRequest(style, spec);
  const raw = await send(request, apiKey, signal, 1_048_576, { recordChunks: true });
  if (!raw.ok) return { ok: false, fake: false, detail: `the streamed call failed: ${raw.message}` };
  if (raw.status < 200 || raw.status >= 300) return { ok: false, fake: false, detail: `the streamed call got HTTP ${raw.status} from ${request.method} ${targetOf(request.url)}` };
  return judgeStream(style, challenge, raw);
}
