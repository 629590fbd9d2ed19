import type { FailureReason } from '../probes/types';

/** A provider call that did not produce a usable reply; every field is safe to log and to label. */
export interface CallFailure {
  readonly ok: false;
  /** Bounded reason (FAILURE_REASONS), fit for a label. */
  readonly reason: FailureReason;
  /** One line built from status and reason: never the key, never the reply body, no query string. */
  readonly message: string;
  /** HTTP status when the provider replied, else null. */
  readonly status: number | null;
  /** From Retry-After (seconds or HTTP-date) on 429/503 replies, else null. */
  readonly retryAfterSeconds: number | null;
  readonly elapsedMs: number;
  /** For the debug endpoint: the request (auth redacted) and whatever reply arrived. Generation calls only. */
  readonly transcript?: Transcript;
}

/**
 * A redaction-ready record of one generation call: the request without its auth header values,
 * the reply body cut to a few KB. Any occurrence of the key is replaced before it is stored.
 */
export interface Transcript {
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    /** JSON text of the request body, truncated. */
    readonly body: string;
  };
  /** Null when no HTTP reply arrived (network error, timeout before headers). */
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
    readonly truncated: boolean;
  } | null;
}

export const REDACTED = '[redacted]';
const MAX_MESSAGE = 300;

/** Replaces every occurrence of the key; keys are never shorter in practice than the text they would garble. */
export function scrub(text: string, apiKey: string | null): string {
  return apiKey === null || apiKey === '' ? text : text.split(apiKey).join(REDACTED);
}

/** `host/path` of a URL: no scheme credentials, no query string (some APIs take `?key=`). */
export function targetOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

/** Builds a failure whose message is scrubbed of the key and bounded to one short line. */
export function callFailure(
  reason: FailureReason,
  message: string,
  apiKey: string | null,
  fields: { status?: number | null; retryAfterSeconds?: number | null; elapsedMs: number; transcript?: Transcript },
): CallFailure {
  const line = scrub(message, apiKey).replace(/\s+/g, ' ').trim();
  return {
    ok: false,
    reason,
    message: line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line,
    status: fields.status ?? null,
    retryAfterSeconds: fields.retryAfterSeconds ?? null,
    elapsedMs: Math.round(fields.elapsedMs),
    ...(fields.transcript === undefined ? {} : { transcript: fields.transcript }),
  };
}
