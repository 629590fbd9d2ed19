/**
 * The contract between AI provider API styles (adapters) and everything that probes providers.
 * An adapter only builds requests and normalises replies; it never performs I/O itself.
 */

/** API styles; each has one adapter file under src/ai/adapters and one entry in its registry. */
export const API_STYLES = ['openai', 'gemini', 'cohere', 'anthropic', 'ollama'] as const;
export type ApiStyle = (typeof API_STYLES)[number];

/** Where and as whom to call a provider; built from the catalogue entry plus config overrides. */
export interface ProviderEndpoint {
  /** e.g. https://api.cerebras.ai/v1 (no trailing slash). */
  readonly baseUrl: string;
  /** The key, or null for providers that need none (ollama). Never logged, never in a label. */
  readonly apiKey: string | null;
  readonly model: string;
  /** Extra headers the provider wants (OpenRouter's HTTP-Referer and X-Title, ...). */
  readonly headers: Readonly<Record<string, string>>;
}

/** An HTTP request an adapter wants made. */
export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface PromptSpec {
  readonly system?: string;
  readonly user: string;
  /** Output token cap; model-aware, never so small that a reasoning model cannot answer. */
  readonly maxTokens: number;
  readonly temperature: number;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** Provider headers worth keeping: request id and remaining rate limit. */
export interface ReplyHeaders {
  readonly requestId: string | null;
  readonly rateLimitRemainingRequests: number | null;
  readonly rateLimitRemainingTokens: number | null;
  readonly retryAfterSeconds: number | null;
}

/** Every API style's reply, in one shape. */
export interface NormalizedReply {
  /** The answer text; a reasoning model's thinking is not part of it. */
  readonly text: string;
  /** Thinking returned in separate fields (reasoning_content, thinking blocks, ...); '' when none. */
  readonly reasoning: string;
  /** The model the provider says answered; '' when the reply does not say. */
  readonly model: string;
  /** The reply's id; '' when the reply has none. */
  readonly id: string;
  readonly usage: TokenUsage | null;
  /** As the provider wrote it ('stop', 'length', 'STOP', 'end_turn', 'COMPLETE', ...); '' when absent. */
  readonly finishReason: string;
  readonly headers: ReplyHeaders;
  /** The reply's own creation time, epoch ms (OpenAI `created`, Ollama `created_at`); null or absent when it has none. */
  readonly createdAt?: number | null;
}

/** A reply body the adapter could not make sense of: the call fails with reason `invalid_reply`. */
export interface ShapeError {
  readonly shapeError: string;
}

export const isShapeError = (value: unknown): value is ShapeError =>
  typeof value === 'object' && value !== null && 'shapeError' in value;

/** One API style. */
export interface ProviderAdapter {
  readonly style: ApiStyle;
  /** The free, authenticated metadata call (the models list or the style's equivalent). */
  metadataRequest(endpoint: ProviderEndpoint): RequestSpec;
  /** Model names from the metadata reply. */
  parseModelList(body: unknown): readonly string[] | ShapeError;
  /** The small paid generation that carries the challenge. */
  generationRequest(endpoint: ProviderEndpoint, prompt: PromptSpec): RequestSpec;
  parseGeneration(body: unknown, headers: Readonly<Record<string, string>>): NormalizedReply | ShapeError;
  /**
   * Reads an error reply (status >= 400, body parsed JSON or undefined) for what its status code
   * hides: Gemini refuses a bad key with 400 API_KEY_INVALID, OpenRouter an unknown model with 400.
   * Undefined leaves the status-based reason.
   */
  refineFailure?(status: number, body: unknown): 'auth' | 'model_not_found' | undefined;
}
