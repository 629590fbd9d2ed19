/**
 * The contract of one HTTP exchange performed off the serving thread. Plain data only: requests and
 * results cross a worker_threads boundary by structured clone.
 */

/** Why an exchange produced no usable reply; a subset of the probes' FAILURE_REASONS. */
export const EXCHANGE_FAILURES = ['timeout', 'dns', 'connect_refused', 'connect', 'tls', 'too_large', 'redirect', 'invalid_reply', 'internal'] as const;
export type ExchangeFailureReason = (typeof EXCHANGE_FAILURES)[number];

export interface RedirectPolicy {
  /** Redirects followed at most; one more is a `redirect` failure. */
  readonly max: number;
  /** Whether a redirect may leave the first URL's host name (credential headers are dropped when it does). */
  readonly allowOtherHosts: boolean;
}

export interface ExchangeRequest {
  readonly url: string;
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Deadline of the whole exchange, body and redirects included, kept by the worker's own clock. */
  readonly timeoutMs: number;
  /** Cap on body bytes after gzip/deflate/br decoding, enforced as they arrive (the encoded size too). */
  readonly maxBodyBytes: number;
  /** Cap on the reply's header block; default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Absent: a 3xx is returned like any reply (AI calls never follow, so a key never goes elsewhere). */
  readonly followRedirects?: RedirectPolicy;
  /** Record when each decoded body chunk arrived (for streamed replies). */
  readonly recordChunks?: boolean;
}

/**
 * Milliseconds on the worker's clock. `dnsMs`, `connectMs` and `tlsMs` are the durations of those
 * phases on the last hop; `firstByteMs` (reply headers in) and `totalMs` (last body byte, or the
 * failure) count from the start of the exchange. None of it includes time the serving loop was busy.
 */
export interface ExchangeTimings {
  readonly dnsMs?: number;
  readonly connectMs?: number;
  readonly tlsMs?: number;
  readonly firstByteMs?: number;
  readonly totalMs: number;
  /** The longest the worker's own loop ran late during the exchange: CPU starvation of the exporter, not the peer. */
  readonly loopLagMs?: number;
}

export interface BodyChunk {
  /** Decoded byte offset of the chunk's first byte. */
  readonly offset: number;
  readonly bytes: number;
  /** Milliseconds since the exchange started. */
  readonly atMs: number;
}

/** Chunk records kept at most; a trickled body would otherwise make one record per byte. */
export const MAX_CHUNK_RECORDS = 10_000;
export const DEFAULT_MAX_HEADER_BYTES = 16_384;

export interface ExchangeSuccess {
  readonly ok: true;
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly timings: ExchangeTimings;
  readonly chunks?: readonly BodyChunk[];
  /** True when more chunks arrived than MAX_CHUNK_RECORDS. */
  readonly chunksTruncated?: boolean;
  readonly redirects: number;
  readonly finalUrl: string;
}

export interface ExchangeFailure {
  readonly ok: false;
  readonly failure: ExchangeFailureReason;
  /** One line; never the URL's query string or user info, never a header value. */
  readonly message: string;
  readonly timings: ExchangeTimings;
  /** The reply's status when its headers had arrived (a body over the cap, a body cut short). */
  readonly status?: number;
  readonly redirects: number;
}

export type ExchangeResult = ExchangeSuccess | ExchangeFailure;

/** Messages between the serving thread and the exchange worker. */
export type ToWorker = { readonly type: 'start'; readonly id: number; readonly request: ExchangeRequest } | { readonly type: 'cancel'; readonly id: number };
export type FromWorker = { readonly id: number; readonly result: ExchangeResult };
