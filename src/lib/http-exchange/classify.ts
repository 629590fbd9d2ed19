import type { ExchangeFailureReason } from './types';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ABORT_ERR']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/;
/** llhttp's codes for a reply that is not HTTP at all. */
const PARSE_CODE = /^HPE_/;
/** OpenSSL's `8036...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/...` → `wrong version number`. */
const OPENSSL_NOISE = /\b[0-9A-F]{8,}:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):\S*/g;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A socket or parser error as a bounded reason; `phase` says whether the TLS handshake was under way. */
export function classifyNetworkError(error: unknown, tlsPending: boolean): ExchangeFailureReason {
  const code = codeOf(error) ?? '';
  if (DNS_CODES.has(code)) return 'dns';
  if (code === 'ECONNREFUSED') return 'connect_refused';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (code === 'HPE_HEADER_OVERFLOW') return 'too_large';
  if (TLS_CODE.test(code)) return 'tls';
  if (PARSE_CODE.test(code)) return 'invalid_reply';
  // A handshake cut without a TLS code (the peer closed, or spoke plain HTTP) is still a TLS failure.
  if (tlsPending) return 'tls';
  return 'connect';
}

/** The error as one short line with its code: no URL (node's socket errors name host and port only). */
export function describeNetworkError(error: unknown): string {
  const raw = error instanceof Error ? error.message || error.name : String(error);
  const text = raw.replace(OPENSSL_NOISE, '$1').replace(/\s+/g, ' ').trim();
  const code = codeOf(error);
  const line = code !== undefined && !text.includes(code) ? `${text} (${code})` : text;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
