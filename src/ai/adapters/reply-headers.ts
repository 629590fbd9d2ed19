import type { ReplyHeaders } from '../types';

/** Request-id headers in the order they are trusted: the provider's own id first, the CDN's last. */
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-goog-request-id', 'x-amzn-requestid', 'cf-ray'];
const REMAINING_REQUESTS = ['x-ratelimit-remaining-requests', 'anthropic-ratelimit-requests-remaining'];
const REMAINING_TOKENS = ['x-ratelimit-remaining-tokens', 'anthropic-ratelimit-tokens-remaining'];
const MAX_ID_LENGTH = 128;

function first(headers: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}

function count(text: string | undefined): number | null {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

/**
 * Retry-After as seconds: either delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * A date in the past means "now" (0); anything unreadable is null.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The reply headers worth keeping, from a header record with lower-case names. */
export function parseReplyHeaders(headers: Readonly<Record<string, string>>): ReplyHeaders {
  const id = first(headers, REQUEST_ID_HEADERS);
  return {
    requestId: id === undefined ? null : id.slice(0, MAX_ID_LENGTH),
    rateLimitRemainingRequests: count(first(headers, REMAINING_REQUESTS)),
    rateLimitRemainingTokens: count(first(headers, REMAINING_TOKENS)),
    retryAfterSeconds: parseRetryAfter(headers['retry-after']),
  };
}
