import type { ApiStyle, ProviderAdapter } from '../types';
import { anthropicAdapter } from './anthropic';
import { cohereAdapter } from './cohere';
import { geminiAdapter } from './gemini';
import { ollamaAdapter } from './ollama';
import { openaiAdapter } from './openai';

/** The one table of API styles: adding a style is one adapter file and one line here. */
export const adapters: Readonly<Record<ApiStyle, ProviderAdapter>> = {
  openai: openaiAdapter,
  gemini: geminiAdapter,
  cohere: cohereAdapter,
  anthropic: anthropicAdapter,
  ollama: ollamaAdapter,
};

/** The adapter for a style. */
export const adapterFor = (style: ApiStyle): ProviderAdapter => adapters[style];
