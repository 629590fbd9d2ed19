import { performance } from 'node:perf_hooks';
import { ACCEPT_ENCODING } from './decode';
import { runHop, type HopTimings } from './hop';
import { DEFAULT_MAX_HEADER_BYTES, type ExchangeFailureReason, type ExchangeRequest, type ExchangeResult } from './types';

/** Headers that carry credentials; they never follow a redirect to another host. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-goog-api-key', 'api-key']);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding', 'content-encoding']);

/** `host/path` of a URL for messages: no user info, no query string (some APIs take `?key=`). */
export function shownUrl(url: URL): string {
  return `${url.host}${url.pathname}`;
}

/** What fetch would add: an Accept, the encodings it decodes, a User-Agent, and a length instead of chunking. */
function withDefaults(headers: Readonly<Record<string, string>> | undefined, body: string | Uint8Array | undefined): Record<string, string> {
  const result: Record<string, string> = { ...headers };
  const names = new Set(Object.keys(result).map((name) => name.toLowerCase()));
  if (!names.has('accept')) result.accept = '*/*';
  if (!names.has('accept-encoding')) result['accept-encoding'] = ACCEPT_ENCODING;
  if (!names.has('user-agent')) result['user-agent'] = 'amas-exporter';
  if (body !== undefined && !names.has('content-length') && !names.has('transfer-encoding')) result['content-length'] = String(Buffer.byteLength(body));
  return result;
}

const without = (headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));

/**
 * Performs one exchange in the calling thread (the exchange worker): deadline on this thread's
 * clock, redirects under the policy, timings from this thread's performance.now().
 */
export async function perform(request: ExchangeRequest, cancel: AbortSignal): Promise<ExchangeResult> {
  const started = performance.now();
  const clock = (): number => performance.now() - started;
  const timings: HopTimings = {};
  let redirects = 0;
  const failed = (failure: ExchangeFailureReason, message: string, status?: number): ExchangeResult => ({
    ok: false,
    failure,
    message,
    timings: { ...timings, totalMs: clock() },
    ...(status === undefined ? {} : { status }),
    redirects,
  });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return failed('connect', 'the URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return failed('connect', `the URL scheme ${url.protocol} is not http or https`);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
  const onCancel = (): void => deadline.abort();
  cancel.addEventListener('abort', onCancel, { once: true });
  const firstHost = url.hostname;
  const policy = request.followRedirects;
  const visited = new Set<string>([url.href]);
  let method = request.method.toUpperCase();
  let headers = withDefaults(request.headers, request.body);
  let body = request.body;
  try {
    for (;;) {
      for (const key of Object.keys(timings) as (keyof HopTimings)[]) delete timings[key];
      const outcome = await runHop(
        { url, method, headers, ...(body === undefined ? {} : { body }), maxHeaderBytes: request.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES, maxBodyBytes: request.maxBodyBytes, recordChunks: request.recordChunks === true, stopAtRedirect: policy !== undefined },
        deadline.signal,
        clock,
        timings,
      );
      if (outcome.kind === 'failure') return failed(outcome.failure, outcome.message, outcome.status);
      if (outcome.kind === 'reply') {
        const { kind: _kind, ...reply } = outcome;
        return { ok: true, ...reply, timings: { ...timings, totalMs: clock() }, redirects, finalUrl: url.href };
      }
      if (policy === undefined) return failed('internal', 'a redirect arrived without a policy');
      let next: URL;
      try {
        next = new URL(outcome.location, url);
      } catch {
        return failed('redirect', `HTTP ${outcome.status} to a Location that is not a URL`, outcome.status);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') return failed('redirect', `HTTP ${outcome.status} to a ${next.protocol} URL`, outcome.status);
      if (redirects >= policy.max) return failed('redirect', `more than ${policy.max} redirects (last to ${shownUrl(next)})`, outcome.status);
      if (next.hostname !== firstHost && !policy.allowOtherHosts) return failed('redirect', `HTTP ${outcome.status} to another host (${next.host}), not followed`, outcome.status);
      if (visited.has(next.href)) return failed('redirect', `redirect loop: ${shownUrl(next)} again after ${redirects + 1} redirects`, outcome.status);
      visited.add(next.href);
      redirects += 1;
      // 303, and 301/302 after a POST, turn into a GET without a body (what every client does).
      if (outcome.status === 303 ? method !== 'HEAD' : (outcome.status === 301 || outcome.status === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
        headers = without(headers, BODY_HEADERS);
      }
      if (next.hostname !== url.hostname) headers = without(headers, CREDENTIAL_HEADERS);
      url = next;
    }
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}
