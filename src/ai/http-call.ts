import { classifyError } from '../probes/classify-error';
import { networkDetail } from './network-detail';
import { BodyTooLarge, readBodyCapped } from '../probes/http-body';
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
  readonly elapsedMs: number;
}

/** Headers whose values are credentials, whatever the key looks like. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'cookie']);
/** What fetch refuses in a header value; its error would quote the value, key included. */
const BAD_HEADER_VALUE = /[\0\r\n]|[^\u0000-\u00ff]/;

/** Sends one request and reads the whole body under the cap; the signal also cuts a body that trickles. */
export async function send(spec: RequestSpec, apiKey: string | null, signal: AbortSignal, maxBodyBytes: number): Promise<RawReply | CallFailure> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const what = `${spec.method} ${targetOf(spec.url)}`;
  if (Object.values(spec.headers).some((value) => BAD_HEADER_VALUE.test(value))) {
    return callFailure('auth', `${what}: a header value has characters HTTP does not allow (check the key for stray line breaks)`, apiKey, { elapsedMs: 0 });
  }
  try {
    const response = await fetch(spec.url, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal,
      // A redirect could carry the key's header to another host; providers do not redirect API calls.
      redirect: 'manual',
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new BodyTooLarge(maxBodyBytes);
    }
    const text = await readBodyCapped(response, maxBodyBytes);
    return { ok: true, status: response.status, headers, text, elapsedMs: elapsed() };
  } catch (error) {
    if (error instanceof BodyTooLarge) return callFailure('too_large', `${what}: reply body is larger than ${maxBodyBytes} bytes`, apiKey, { elapsedMs: elapsed() });
    // Whatever the abort reason, an aborted call ran out of time.
    const reason: FailureReason = signal.aborted ? 'timeout' : classifyError(error);
    const detail = reason === 'timeout' ? 'no complete reply before the deadline' : networkDetail(error);
    return callFailure(reason, `${what}: ${detail}`, apiKey, { elapsedMs: elapsed() });
  }
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
