import type { ApiStyle } from './types';

/**
 * One AI provider AMAS knows, as data. Field names are snake_case like the config keys that
 * override them. See docs/providers.md for the table and its sources.
 */
export interface CatalogueEntry {
  /** AMAS's provider id, used as the `provider` label. */
  readonly id: string;
  readonly style: ApiStyle;
  /** Base URL without a trailing slash; each style appends its own paths. */
  readonly base_url: string;
  /** Env var that overrides `base_url` (ollama: OLLAMA_BASE_URL). */
  readonly base_url_env?: string;
  /** Env vars holding the key, in order: the first one set (after trimming) wins. Empty: no key needed. */
  readonly key_env: readonly string[];
  /** AMAS's default model for this provider. */
  readonly model: string;
  /** Env var that overrides `model` (ollama: OLLAMA_MODEL). */
  readonly model_env?: string;
  /** Extra request headers the provider wants (never the key). */
  readonly headers: Readonly<Record<string, string>>;
  /** AMAS v2 rank: lower is tried first. */
  readonly priority: number;
  /** Whether the default model thinks before answering, so needs room for reasoning tokens. */
  readonly reasoning: boolean;
  /** [min, max] seconds AMAS documents for this provider; null where it gives none. */
  readonly expected_latency_seconds: readonly [number, number] | null;
  /** USD per million tokens: 0 for free models, otherwise an estimate from public list prices. */
  readonly price_usd_per_million_tokens: { readonly input: number; readonly output: number };
}

/** OpenRouter wants the calling app named; AMAS sends its repository URL and title. */
const OPENROUTER = {
  base_url: 'https://openrouter.ai/api/v1',
  headers: { 'HTTP-Referer': 'https://github.com/over7-maker/Advanced-Multi-Agent-Intelligence-System', 'X-Title': 'AMAS' },
  price_usd_per_million_tokens: { input: 0, output: 0 },
} as const;

const GROQ = { style: 'openai', base_url: 'https://api.groq.com/openai/v1', model: 'llama-3.3-70b-versatile', headers: {}, priority: 2, reasoning: false, expected_latency_seconds: null, price_usd_per_million_tokens: { input: 0.59, output: 0.79 } } as const;
const GEMINI_BASE = 'https://generativelanguage.googleapis.com/v1beta';

/** Every provider AMAS knows: the core 14 of its v2 router first, then the other lists' extras. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  { id: 'cerebras', style: 'openai', base_url: 'https://api.cerebras.ai/v1', key_env: ['CEREBRAS_API_KEY'], model: 'qwen-3-235b-a22b-instruct-2507', headers: {}, priority: 1, reasoning: false, expected_latency_seconds: [1, 3], price_usd_per_million_tokens: { input: 0.6, output: 1.2 } },
  { id: 'nvidia', style: 'openai', base_url: 'https://integrate.api.nvidia.com/v1', key_env: ['NVIDIA_API_KEY'], model: 'deepseek-ai/deepseek-r1', headers: {}, priority: 1, reasoning: true, expected_latency_seconds: [2, 4], price_usd_per_million_tokens: { input: 0.55, output: 2.19 } },
  { id: 'gemini2', style: 'gemini', base_url: GEMINI_BASE, key_env: ['GEMINI2_API_KEY'], model: 'gemini-2.0-flash', headers: {}, priority: 4, reasoning: false, expected_latency_seconds: [3, 8], price_usd_per_million_tokens: { input: 0.1, output: 0.4 } },
  { id: 'codestral', style: 'openai', base_url: 'https://codestral.mistral.ai/v1', key_env: ['CODESTRAL_API_KEY'], model: 'codestral-latest', headers: {}, priority: 3, reasoning: false, expected_latency_seconds: [3, 7], price_usd_per_million_tokens: { input: 0.3, output: 0.9 } },
  { id: 'cohere', style: 'cohere', base_url: 'https://api.cohere.ai', key_env: ['COHERE_API_KEY'], model: 'command-a-03-2025', headers: {}, priority: 6, reasoning: false, expected_latency_seconds: [4, 8], price_usd_per_million_tokens: { input: 2.5, output: 10 } },
  { id: 'chutes', style: 'openai', base_url: 'https://llm.chutes.ai/v1', key_env: ['CHUTES_API_KEY'], model: 'zai-org/GLM-4.5-Air', headers: {}, priority: 10, reasoning: true, expected_latency_seconds: [10, 30], price_usd_per_million_tokens: { input: 0.2, output: 0.8 } },
  { id: 'groq2', key_env: ['GROQ2_API_KEY'], ...GROQ },
  { id: 'groqai', key_env: ['GROQAI_API_KEY'], ...GROQ },
  { id: 'deepseek', style: 'openai', ...OPENROUTER, key_env: ['DEEPSEEK_API_KEY'], model: 'deepseek/deepseek-chat-v3.1:free', priority: 3, reasoning: false, expected_latency_seconds: [3, 6] },
  { id: 'glm', style: 'openai', ...OPENROUTER, key_env: ['GLM_API_KEY'], model: 'z-ai/glm-4.5-air:free', priority: 4, reasoning: true, expected_latency_seconds: [8, 15] },
  { id: 'grok', style: 'openai', ...OPENROUTER, key_env: ['GROK_API_KEY'], model: 'x-ai/grok-4-fast:free', priority: 5, reasoning: true, expected_latency_seconds: [6, 14] },
  { id: 'kimi', style: 'openai', ...OPENROUTER, key_env: ['KIMI_API_KEY'], model: 'moonshotai/kimi-k2:free', priority: 7, reasoning: false, expected_latency_seconds: [10, 20] },
  { id: 'qwen', style: 'openai', ...OPENROUTER, key_env: ['QWEN_API_KEY'], model: 'qwen/qwen3-coder:free', priority: 8, reasoning: false, expected_latency_seconds: [8, 16] },
  { id: 'gptoss', style: 'openai', ...OPENROUTER, key_env: ['GPTOSS_API_KEY'], model: 'openai/gpt-oss-120b:free', priority: 9, reasoning: true, expected_latency_seconds: [5, 12] },
  { id: 'openai', style: 'openai', base_url: 'https://api.openai.com/v1', key_env: ['OPENAI_API_KEY', 'GPT4_API_KEY'], model: 'gpt-4o', headers: {}, priority: 0, reasoning: false, expected_latency_seconds: null, price_usd_per_million_tokens: { input: 2.5, output: 10 } },
  { id: 'anthropic', style: 'anthropic', base_url: 'https://api.anthropic.com/v1', key_env: ['ANTHROPIC_API_KEY', 'CLAUDE_API_KEY'], model: 'claude-3-5-sonnet-20241022', headers: {}, priority: 0, reasoning: false, expected_latency_seconds: null, price_usd_per_million_tokens: { input: 3, output: 15 } },
  // gemini, mistral and perplexity are not ranked by AMAS v2: placed after every ranked cloud provider.
  { id: 'gemini', style: 'gemini', base_url: GEMINI_BASE, key_env: ['GEMINI_API_KEY', 'GEMINIAI_API_KEY'], model: 'gemini-1.5-pro', headers: {}, priority: 50, reasoning: false, expected_latency_seconds: null, price_usd_per_million_tokens: { input: 1.25, output: 5 } },
  { id: 'mistral', style: 'openai', base_url: 'https://api.mistral.ai/v1', key_env: ['MISTRAL_API_KEY'], model: 'mistral-large-latest', headers: {}, priority: 50, reasoning: false, expected_latency_seconds: null, price_usd_per_million_tokens: { input: 2, output: 6 } },
  { id: 'perplexity', style: 'openai', base_url: 'https://api.perplexity.ai', key_env: ['PERPLEXITY_API_KEY'], model: 'sonar', headers: {}, priority: 50, reasoning: false, expected_latency_seconds: null, price_usd_per_million_tokens: { input: 1, output: 1 } },
  { id: 'ollama', style: 'ollama', base_url: 'http://127.0.0.1:11434', base_url_env: 'OLLAMA_BASE_URL', key_env: [], model: 'llama3.2', model_env: 'OLLAMA_MODEL', headers: {}, priority: 100, reasoning: false, expected_latency_seconds: null, price_usd_per_million_tokens: { input: 0, output: 0 } },
];

const BY_ID: ReadonlyMap<string, CatalogueEntry> = new Map(CATALOGUE.map((entry) => [entry.id, entry]));

/** The catalogue entry for a provider id, or undefined. */
export const findProvider = (id: string): CatalogueEntry | undefined => BY_ID.get(id);

type Env = Readonly<Record<string, string | undefined>>;

const setValue = (env: Env, name: string | undefined): string | undefined => {
  const value = name === undefined ? undefined : env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/**
 * The key from the first of `key_env` that is set, whitespace-stripped as AMAS does; with the
 * name it came from (for messages: the name, never the value). Null when none is set.
 */
export function keyFromEnv(entry: CatalogueEntry, env: Env): { readonly name: string; readonly value: string } | null {
  for (const name of entry.key_env) {
    const value = setValue(env, name);
    if (value !== undefined) return { name, value };
  }
  return null;
}

/** The base URL after `base_url_env`, and the model after `model_env`. */
export function defaultsFromEnv(entry: CatalogueEntry, env: Env): { readonly baseUrl: string; readonly model: string } {
  return {
    baseUrl: (setValue(env, entry.base_url_env) ?? entry.base_url).replace(/\/+$/, ''),
    model: setValue(env, entry.model_env) ?? entry.model,
  };
}
