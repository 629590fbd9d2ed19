import { DeadlineExceeded } from '../lib/abort';
import type { FailureReason } from './types';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const CONNECT_CODES = new Set(['ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EADDRNOTAVAIL', 'ENOTCONN']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ABORT_ERR', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_CANCELED']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/;
/** Postgres SQLSTATEs for a wrong password or an unknown role. */
const PG_AUTH_CODES = new Set(['28P01', '28000']);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** Maps a driver or socket error to the bounded failure reason that becomes a label. */
export function classifyError(error: unknown): FailureReason {
  if (error instanceof DeadlineExceeded) return 'timeout';
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return 'timeout';
  for (const code of codesOf(error)) {
    if (DNS_CODES.has(code)) return 'dns';
    if (code === 'ECONNREFUSED') return 'connect_refused';
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (TLS_CODE.test(code)) return 'tls';
    if (PG_AUTH_CODES.has(code)) return 'auth';
    if (CONNECT_CODES.has(code)) return 'connect';
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/\b(NOAUTH|WRONGPASS)\b|authentication failed|unauthorized/i.test(text)) return 'auth';
  if (/ECONNREFUSED/.test(text)) return 'connect_refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'dns';
  if (/timed? ?out/i.test(text)) return 'timeout';
  return 'connect';
}

/** The error's message, one line, bounded; callers redact secrets before logging it. */
export function describeError(error: unknown): string {
  let text = error instanceof Error ? error.message || error.name : String(error);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  // fetch reports every network failure as "fetch failed"; the socket error is in the cause.
  if (cause instanceof Error && cause.message && !text.includes(cause.message)) text = `${text}: ${cause.message}`;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}...` : oneLine;
}
