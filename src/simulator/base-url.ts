import type { ApiStyle } from '../ai/types';
import { simStyles } from './styles/registry';

/** Path prefix under which a simulated provider lives. */
export const providerPrefix = (id: string): string => `/p/${encodeURIComponent(id)}`;

/**
 * The base URL to configure for a simulated provider: `<origin>/p/<id>` plus the suffix the style's
 * real base URL has (`/v1` for OpenAI and Anthropic, `/v1beta` for Gemini, none for Cohere and Ollama).
 */
export function baseUrlFor(sim: { readonly origin: string } | string, id: string, style: ApiStyle): string {
  const origin = typeof sim === 'string' ? sim : sim.origin;
  return `${origin.replace(/\/+$/, '')}${providerPrefix(id)}${simStyles[style].basePath}`;
}
