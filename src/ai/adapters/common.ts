import type { PromptSpec, ProviderEndpoint } from '../types';

/**
 * Request headers for a JSON call: the style's defaults, then the endpoint's extra headers
 * (which may override a default such as anthropic-version), then the auth headers, which nothing
 * overrides so a stray config header can never replace or duplicate the key.
 */
export function jsonHeaders(
  endpoint: ProviderEndpoint,
  auth: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', ...defaults };
  const authNames = new Set(Object.keys(auth).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(endpoint.headers)) {
    const lower = name.toLowerCase();
    if (authNames.has(lower)) continue;
    // Header names are case-insensitive: replace a default rather than send it twice.
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === lower) delete headers[existing];
    headers[name] = value;
  }
  return { ...headers, ...auth };
}

/** `Authorization: Bearer <key>`, or nothing for a provider without a key. */
export const bearer = (endpoint: ProviderEndpoint): Record<string, string> =>
  endpoint.apiKey === null ? {} : { authorization: `Bearer ${endpoint.apiKey}` };

/** The base URL without a trailing slash, so paths join cleanly. */
export const trimBase = (baseUrl: string): string => baseUrl.replace(/\/+$/, '');

const THINK_BLOCK = /^\s*<think>([\s\S]*?)<\/think>\s*/;

/**
 * Some hosts of reasoning models (DeepSeek-R1 on NIM, older Ollama) put the thinking inside the
 * content as a leading `<think>...</think>` block; it is reasoning, not the answer.
 */
export function splitThinkTags(content: string): { text: string; reasoning: string } {
  const match = THINK_BLOCK.exec(content);
  if (!match) return { text: content, reasoning: '' };
  return { text: content.slice(match[0].length), reasoning: (match[1] ?? '').trim() };
}

/** Reads `a.b.c` from an error body without trusting its shape; strings only. */
export function errorField(body: unknown, path: string): string | undefined {
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}

const MODEL_MISSING = /model.{0,80}(not found|does not exist|not exist|is not a valid model|not supported)|invalid model|unknown model|no such model|model_not_found|not a valid model id/i;

/** Whether an error message says the model is unknown (as opposed to a bad request in general). */
export const saysModelMissing = (text: string | undefined): boolean => text !== undefined && MODEL_MISSING.test(text.slice(0, 1000));

/** The chat `messages` array shared by the OpenAI, Cohere v2 and Ollama styles. */
export function chatMessages(prompt: PromptSpec): { role: 'system' | 'user'; content: string }[] {
  return [...(prompt.system === undefined ? [] : [{ role: 'system' as const, content: prompt.system }]), { role: 'user', content: prompt.user }];
}
