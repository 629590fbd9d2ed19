import { callFailure, targetOf, type CallFailure, type Transcript } from './call-failure';
import { buildTranscript, parseJson, send, statusFailure } from './http-call';
import { isShapeError, type NormalizedReply, type PromptSpec, type ProviderAdapter, type ProviderEndpoint } from './types';

export { checkReachability, type Reachability } from './reachability';
export type { CallFailure, Transcript } from './call-failure';

/** Options for one provider call. */
export interface CallOptions {
  /** Reply bodies longer than this fail with `too_large`, cut while reading. Default 1 MiB (models list: 8 MiB). */
  readonly maxBodyBytes?: number;
  /** How much of each body the transcript keeps. Default 4 KiB. */
  readonly transcriptBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;
/** Model lists are bigger than answers: OpenRouter's runs to about a megabyte. */
export const DEFAULT_MODELS_MAX_BODY_BYTES = 8 * 1_048_576;
export const DEFAULT_TRANSCRIPT_BYTES = 4096;

export interface ModelsResult {
  readonly ok: true;
  readonly models: readonly string[];
  readonly elapsedMs: number;
}

export interface GenerateResult {
  readonly ok: true;
  readonly reply: NormalizedReply;
  readonly elapsedMs: number;
  /** How late the exchange worker's own loop ran during the call (CPU starvation here, not the provider). */
  readonly loopLagMs: number;
  readonly status: number;
  readonly transcript: Transcript;
}

const is2xx = (status: number): boolean => status >= 200 && status < 300;

/**
 * The free, authenticated metadata call (the style's models list). Fails with a bounded reason;
 * a 404 here is `http_status` (wrong base URL), since a missing model is judged from the list.
 */
export async function fetchModels(adapter: ProviderAdapter, endpoint: ProviderEndpoint, signal: AbortSignal, opts: CallOptions = {}): Promise<ModelsResult | CallFailure> {
  const spec = adapter.metadataRequest(endpoint);
  const raw = await send(spec, endpoint.apiKey, signal, opts.maxBodyBytes ?? DEFAULT_MODELS_MAX_BODY_BYTES);
  if (!raw.ok) return raw;
  if (!is2xx(raw.status)) return statusFailure(adapter, 'metadata', spec, raw, endpoint.apiKey);
  const where = `${spec.method} ${targetOf(spec.url)}`;
  const json = parseJson(raw.text);
  if (json === undefined) return callFailure('invalid_reply', `${where}: models list is not JSON`, endpoint.apiKey, { status: raw.status, elapsedMs: raw.elapsedMs });
  const models = adapter.parseModelList(json.value);
  if (isShapeError(models)) return callFailure('invalid_reply', `${where}: models list has the wrong shape: ${models.shapeError}`, endpoint.apiKey, { status: raw.status, elapsedMs: raw.elapsedMs });
  return { ok: true, models, elapsedMs: Math.round(raw.elapsedMs) };
}

/**
 * The paid generation carrying the prompt. Success means a 2xx JSON reply of the style's shape,
 * normalised; judging what it says is the validators' job.
 */
export async function generate(
  adapter: ProviderAdapter,
  endpoint: ProviderEndpoint,
  prompt: PromptSpec,
  signal: AbortSignal,
  opts: CallOptions = {},
): Promise<GenerateResult | CallFailure> {
  const spec = adapter.generationRequest(endpoint, prompt);
  const transcriptBytes = opts.transcriptBytes ?? DEFAULT_TRANSCRIPT_BYTES;
  const raw = await send(spec, endpoint.apiKey, signal, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (!raw.ok) return { ...raw, transcript: buildTranscript(spec, null, endpoint.apiKey, transcriptBytes) };
  const transcript = buildTranscript(spec, raw, endpoint.apiKey, transcriptBytes);
  if (!is2xx(raw.status)) return statusFailure(adapter, 'generation', spec, raw, endpoint.apiKey, transcript);
  const where = `${spec.method} ${targetOf(spec.url)}`;
  const fields = { status: raw.status, elapsedMs: raw.elapsedMs, transcript };
  const json = parseJson(raw.text);
  if (json === undefined) return callFailure('invalid_reply', `${where}: HTTP ${raw.status} reply is not JSON`, endpoint.apiKey, fields);
  const reply = adapter.parseGeneration(json.value, raw.headers);
  if (isShapeError(reply)) return callFailure('invalid_reply', `${where}: reply has the wrong shape: ${reply.shapeError}`, endpoint.apiKey, fields);
  return { ok: true, reply, elapsedMs: Math.round(raw.elapsedMs), loopLagMs: raw.timings.loopLagMs ?? 0, status: raw.status, transcript };
}
