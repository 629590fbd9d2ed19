import type { ApiStyle } from '../../ai/types';
import { anthropicSimStyle } from './anthropic';
import { cohereSimStyle } from './cohere';
import { geminiSimStyle } from './gemini';
import { ollamaSimStyle } from './ollama';
import { openaiSimStyle } from './openai';
import type { SimStyle } from './types';

/** The simulator's one table of API styles, the server-side mirror of src/ai/adapters/registry.ts. */
export const simStyles: Readonly<Record<ApiStyle, SimStyle>> = {
  openai: openaiSimStyle,
  gemini: geminiSimStyle,
  cohere: cohereSimStyle,
  anthropic: anthropicSimStyle,
  ollama: ollamaSimStyle,
};
