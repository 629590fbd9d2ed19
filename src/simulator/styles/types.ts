import type { IncomingHttpHeaders } from 'node:http';

/** What a simulated model decided to say, before the style wraps it in its envelope. */
export interface SimAnswer {
  readonly text: string;
  /** '' when the model does not think aloud. */
  readonly reasoning: string;
  /** How reasoning is carried in styles that have choices: a field, or a `<think>` block in the content. */
  readonly reasoningField: 'reasoning_content' | 'reasoning';
  readonly thinkTags: boolean;
  readonly model: string;
  readonly id: string;
  /** `cached`: prompt tokens served from the provider's prompt cache (part of `prompt`). */
  readonly usage: { readonly prompt: number; readonly completion: number; readonly cached?: number } | null;
  /** The server's clock when it answered (epoch ms; skewed in clock_skew_s). */
  readonly createdMs: number;
  /** Answer as a self-hosted server (vLLM): other id prefix, no system_fingerprint. */
  readonly selfHosted: boolean;
}

/** A generation request as the provider understood it. */
export interface SimRequest {
  readonly model: string;
  readonly system: string;
  readonly user: string;
  /** The client asked for a stream (`stream: true`, or Gemini's streamGenerateContent). */
  readonly stream?: boolean;
}

export type SimErrorKind = 'missing_key' | 'bad_key' | 'model_not_found' | 'rate_limited' | 'server_error' | 'bad_request' | 'not_found';

/** A reply the style sends for an error, with the status the real API uses. */
export interface SimErrorReply {
  readonly status: number;
  readonly body: unknown;
}

/** How one API style looks from the server side: routes, key check, request and reply shapes. */
export interface SimStyle {
  /** Appended to `/p/<id>` to form the base URL the matching adapter expects. */
  readonly basePath: string;
  /** Which endpoint a method and path (after `/p/<id>`) address; the Gemini path also names the model. */
  route(method: string, path: string): { kind: 'models' } | { kind: 'generation'; pathModel?: string; stream?: boolean } | undefined;
  /** The key as this API reads it (a header, or Gemini's `?key=`); undefined when absent. */
  keyOf(headers: IncomingHttpHeaders, url: URL): string | undefined;
  /** Names of headers that carry credentials in this style, for redaction in records. */
  readonly authHeaders: readonly string[];
  /** Style-specific request checks beyond the key (Anthropic's anthropic-version); undefined when fine. */
  checkHeaders?(headers: IncomingHttpHeaders): SimErrorReply | undefined;
  readRequest(body: unknown, pathModel: string | undefined): SimRequest | string;
  modelsBody(models: readonly string[]): unknown;
  replyBody(answer: SimAnswer): unknown;
  /**
   * The answer as this style streams it: the wire text of each chunk (SSE events), the text split
   * into `pieces`. Absent: the style does not stream.
   */
  streamChunks?(answer: SimAnswer, pieces: readonly string[]): string[];
  error(kind: SimErrorKind, detail: string): SimErrorReply;
  /** Another name the real API reports for the same model (`gpt-4o-2024-08-06`, `gemini-2.0-flash-001`); undefined: it echoes the name. */
  modelVariant(model: string): string | undefined;
  /** Headers the real API adds to replies: request id, rate-limit counters. */
  replyHeaders(): Record<string, string>;
  newId(): string;
}
