import { exchange, type BodyChunk, type ExchangeTimings } from '../lib/http-exchange';
import type { FailureReason } from '../probes/types';
import { parseRetryAfter } from './adapters/reply-headers';
import { callFailure, REDACTED, scrub, targetOf, type CallFailure, type Transcript } from './call-failure';
import type { ProviderAdapter, RequestSpec } from './types';

/** A reply that arrived in full (any status). */
export interface RawReply {
  readonly ok: true;
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** Request start to last body byte, on the exchange worker's clock (not the serving loop's). */
  readonly elapsedMs: number;
  readonly timings: ExchangeTimings;
  /** When each body chunk arrived; only when asked for with `recordChunks`. */
  readonly chunks?: readonly BodyChunk[];
}

/** Options of one send beyond the request itself. */
export interface SendOptions {
  /** Record the arrival of every body chunk (streamed replies). */
  readonly recordChunks?: boolean;
}

/** Headers whose values are credentials, whatever the key looks like. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'cookie']);
/** What HTTP refuses in a header value; the error would quote the value, key included. */
const BAD_HEADER_VALUE = /[\0\r\n]|[^\u0000-\u00ff]/;
/** The worker's own deadline is only a backstop: the caller's signal is the deadline that counts. */
const BACKSTOP_TIMEOUT_MS = 10 * 60_000;

/**
 * Sends one request through the exchange worker and reads the whole body under the cap (decoded
 * bytes, counted as they arrive). Redirects are never followed, so the key never reaches another
 * host. The signal is the deadline; an aborted call ran out of time, whatever the abort reason.
 */
export async function send(spec: RequestSpec, apiKey: string | null, signal: AbortSignal, maxBodyBytes: number, options: SendOptions = {}): Promise<RawReply | CallFailure> {
  const what = `${spec.method} ${targetOf(spec.url)}`;
  if (Object.values(spec.headers).some((value) => BAD_HEADER_VALUE.test(value))) {
    return callFailure('auth', `${what}: a header value has characters HTTP does not allow (check the key for stray line breaks)`, apiKey, { elapsedMs: 0 });
  }
  const result = await exchange(
    {
      url: spec.url,
      method: spec.method,
      headers: spec.headers,
      ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      timeoutMs: BACKSTOP_TIMEOUT_MS,
      maxBodyBytes,
      ...(options.recordChunks === true ? { recordChunks: true } : {}),
    },
    signal,
  );
  if (!result.ok) {
    const detail = result.failure === 'timeout' ? 'no complete reply before the deadline' : result.message;
    const reason: FailureReason = result.failure;
    return callFailure(reason, `${what}: ${detail}`, apiKey, { elapsedMs: result.timings.totalMs });
  }
  return {
    ok: true,
    status: result.status,
    headers: result.headers,
    text: result.body.toString('utf8'),
    elapsedMs: result.timings.totalMs,
    timings: result.timings,
    ...(result.chunks === undefined ? {} : { chunks: result.chunks }),
  };
}

/** Parses JSON without throwing; undefined when the text is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

const CODE_FIELDS = ['error.code', 'error.type', 'error.status', 'code', 'type'];
const SAFE_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,47}$/;

/** The provider's own error code (`invalid_api_key`, `RESOURCE_EXHAUSTED`...), if it is a short token. */
function errorCode(body: unknown): string | undefined {
  for (const path of CODE_FIELDS) {
    let current: unknown = body;
    for (const key of path.split('.')) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    if (typeof current === 'string' && SAFE_CODE.test(current) && current !== 'error') return current;
  }
  return undefined;
}

function reasonForStatus(status: number): FailureReason {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'model_not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'http_5xx';
  return 'http_status';
}

const EXPLAIN: Partial<Record<FailureReason, string>> = {
  auth: 'the provider refused the key',
  model_not_found: 'the provider does not serve the model',
  timeout: 'the provider gave up on the request',
  rate_limited: 'rate limited',
  http_5xx: 'provider-side error',
  http_status: 'unexpected status',
};

/**
 * The failure for a non-2xx reply: the status decides, the adapter may correct it from the body
 * (a 400 that means "bad key"). On the models list a 404 means a wrong path, not a missing model.
 */
export function statusFailure(adapter: ProviderAdapter, call: 'metadata' | 'generation', spec: RequestSpec, raw: RawReply, apiKey: string | null, transcript?: Transcript): CallFailure {
  const body = parseJson(raw.text)?.value;
  let reason = adapter.refineFailure?.(raw.status, body) ?? reasonForStatus(raw.status);
  if (call === 'metadata' && reason === 'model_not_found') reason = 'http_status';
  const retryAfterSeconds = raw.status === 429 || raw.status === 503 ? parseRetryAfter(raw.headers['retry-after']) : null;
  const code = errorCode(body);
  let explain = EXPLAIN[reason] ?? 'unexpected status';
  if (raw.status >= 300 && raw.status < 400) explain = 'redirects are not followed';
  if (retryAfterSeconds !== null) explain += `, retry after ${retryAfterSeconds}s`;
  const message = `${spec.method} ${targetOf(spec.url)}: HTTP ${raw.status}${code === undefined ? '' : ` (${code})`}, ${explain}`;
  return callFailure(reason, message, apiKey, { status: raw.status, retryAfterSeconds, elapsedMs: raw.elapsedMs, ...(transcript === undefined ? {} : { transcript }) });
}

/** The transcript of a call, with every auth header value and every occurrence of the key replaced. */
export function buildTranscript(spec: RequestSpec, raw: RawReply | null, apiKey: string | null, maxBytes: number): Transcript {
  const cut = (text: string): string => scrub(text.length > maxBytes ? text.slice(0, maxBytes) : text, apiKey);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers)) {
    headers[name] = AUTH_HEADERS.has(name.toLowerCase()) || (apiKey !== null && apiKey !== '' && value.includes(apiKey)) ? REDACTED : value;
  }
  const replyHeaders: Record<string, string> = {};
  if (raw !== null) for (const [name, value] of Object.entries(raw.headers)) if (name !== 'set-cookie') replyHeaders[name] = scrub(value, apiKey);
  return {
    request: { method: spec.method, url: scrub(spec.url, apiKey), headers, body: spec.body === undefined ? '' : cut(JSON.stringify(spec.body)) },
    response: raw === null ? null : { status: raw.status, headers: replyHeaders, body: cut(raw.text), truncated: raw.text.length > maxBytes },
  };
}
