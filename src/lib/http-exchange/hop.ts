import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { classifyNetworkError, describeNetworkError } from './classify';
import { createDecoder, type Decoder } from './decode';
import { MAX_CHUNK_RECORDS, type BodyChunk, type ExchangeFailureReason } from './types';

/** One request on one fresh connection; redirects are the caller's business. */
export interface HopRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly maxHeaderBytes: number;
  readonly maxBodyBytes: number;
  readonly recordChunks: boolean;
  /** Return a 3xx with a Location at once, without reading its body. */
  readonly stopAtRedirect: boolean;
}

export type HopOutcome =
  | { readonly kind: 'reply'; readonly status: number; readonly headers: Record<string, string>; readonly body: Buffer; readonly chunks?: BodyChunk[]; readonly chunksTruncated?: boolean }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | { readonly kind: 'failure'; readonly failure: ExchangeFailureReason; readonly message: string; readonly status?: number };

/** Phase durations of this hop and the first-byte offset, written as the socket reports them. */
export interface HopTimings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The chunks in one buffer that owns its memory, so it can be transferred to the serving thread. */
function joined(chunks: readonly Buffer[], total: number): Buffer {
  const body = Buffer.alloc(total);
  let at = 0;
  for (const chunk of chunks) {
    chunk.copy(body, at);
    at += chunk.length;
  }
  return body;
}

/**
 * Sends one request on a connection of its own (no keep-alive: every run measures connect and TLS,
 * as blackbox_exporter does) and reads the reply under the header and body caps. `clock` gives
 * milliseconds since the exchange started; `signal` ends the hop as a timeout.
 */
export function runHop(hop: HopRequest, signal: AbortSignal, clock: () => number, timings: HopTimings): Promise<HopOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let tlsPending = false;
    let status: number | undefined;
    let decoder: Decoder | undefined;
    let request: http.ClientRequest | undefined;
    const finish = (outcome: HopOutcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      request?.destroy();
      decoder?.destroy();
      resolve(outcome);
    };
    const fail = (failure: ExchangeFailureReason, message: string): void => finish({ kind: 'failure', failure, message, ...(status === undefined ? {} : { status }) });
    const tooLarge = (): void => fail('too_large', `reply body is larger than ${hop.maxBodyBytes} bytes`);
    const onAbort = (): void => fail('timeout', status === undefined ? 'no reply before the deadline' : 'the reply body did not end before the deadline');
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    const secure = hop.url.protocol === 'https:';
    try {
      request = (secure ? https : http).request(hop.url, { method: hop.method, headers: hop.headers, agent: false, maxHeaderSize: hop.maxHeaderBytes });
    } catch (error) {
      // Node refuses bad header names or values before sending; its message names the header, not the value.
      return fail('connect', `the request could not be sent: ${describeNetworkError(error)}`);
    }

    request.on('socket', (socket: Socket) => {
      const opened = clock();
      let resolved = opened;
      socket.once('lookup', () => {
        resolved = clock();
        timings.dnsMs = resolved - opened;
      });
      socket.once('connect', () => {
        const connected = clock();
        timings.connectMs = connected - resolved;
        if (!secure) return;
        tlsPending = true;
        socket.once('secureConnect', () => {
          tlsPending = false;
          timings.tlsMs = clock() - connected;
        });
      });
    });
    request.on('error', (error) => {
      if ((error as { code?: unknown }).code === 'HPE_HEADER_OVERFLOW') return fail('too_large', `reply headers are larger than ${hop.maxHeaderBytes} bytes`);
      fail(classifyNetworkError(error, tlsPending), describeNetworkError(error));
    });
    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      timings.firstByteMs = clock();
      const location = response.headers.location;
      if (hop.stopAtRedirect && REDIRECT_STATUSES.has(status) && typeof location === 'string') return finish({ kind: 'redirect', status, location });
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > hop.maxBodyBytes) return tooLarge();
      const codec = createDecoder(response.headers['content-encoding']);
      decoder = codec;
      const parts: Buffer[] = [];
      const chunks: BodyChunk[] = [];
      let encoded = 0;
      let decoded = 0;
      let chunksTruncated = false;
      response.on('data', (chunk: Buffer) => {
        encoded += chunk.length;
        if (encoded > hop.maxBodyBytes) return tooLarge();
        codec.input.write(chunk);
      });
      response.on('end', () => codec.input.end());
      response.on('close', () => {
        if (!response.complete) fail('connect', 'the connection closed before the reply body ended');
      });
      response.on('error', () => fail('connect', 'the connection closed before the reply body ended'));
      codec.output.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (decoded + chunk.length > hop.maxBodyBytes) return tooLarge();
        if (hop.recordChunks) {
          if (chunks.length < MAX_CHUNK_RECORDS) chunks.push({ offset: decoded, bytes: chunk.length, atMs: clock() });
          else chunksTruncated = true;
        }
        parts.push(chunk);
        decoded += chunk.length;
      });
      codec.output.on('error', (error) => fail('invalid_reply', `the ${response.headers['content-encoding'] ?? ''} body does not decode: ${describeNetworkError(error)}`));
      codec.output.on('end', () => {
        const headers = flatten(response.headers);
        const body = joined(parts, decoded);
        finish({ kind: 'reply', status: status ?? 0, headers, body, ...(hop.recordChunks ? { chunks, ...(chunksTruncated ? { chunksTruncated } : {}) } : {}) });
      });
    });
    request.end(hop.body);
  });
}
