import type { NormalizedReply, ProviderAdapter } from '../types';
import { bearer, errorField, jsonHeaders, saysModelMissing, splitThinkTags, trimBase, chatMessages } from './common';
import { parseReplyHeaders } from './reply-headers';
import { arr, obj, optCount, optObj, optStr, parseShape, str, usageOf, type JsonObject } from './shape';

/**
 * Reads `message.content`: a string, null (a reasoning model that spent its budget thinking,
 * or a refusal), or an array of parts as Mistral's reasoning models send
 * (`{type:'text',text}` and `{type:'thinking',thinking:[{text}]}`).
 */
function readContent(content: unknown, path: string): { text: string; reasoning: string } {
  if (content === undefined || content === null) return { text: '', reasoning: '' };
  if (typeof content === 'string') return splitThinkTags(content);
  const text: string[] = [];
  const reasoning: string[] = [];
  arr(content, path).forEach((item, index) => {
    const part = obj(item, `${path}[${index}]`);
    const type = optStr(part.type, `${path}[${index}].type`);
    if (type === 'thinking') {
      const thinking = part.thinking;
      if (typeof thinking === 'string') reasoning.push(thinking);
      else arr(thinking, `${path}[${index}].thinking`).forEach((piece, j) => reasoning.push(optStr(obj(piece, `${path}[${index}].thinking[${j}]`).text, `${path}[${index}].thinking[${j}].text`)));
    } else if (type === 'text' || type === '') {
      text.push(str(part.text, `${path}[${index}].text`));
    }
  });
  return { text: text.join(''), reasoning: reasoning.join('\n') };
}

/** DeepSeek, NVIDIA and Qwen say `reasoning_content`; OpenRouter, Groq and Cerebras say `reasoning`. */
function readReasoningField(message: JsonObject, path: string): string {
  const fromContent = optStr(message.reasoning_content, `${path}.reasoning_content`);
  if (fromContent !== '') return fromContent;
  return typeof message.reasoning === 'string' ? message.reasoning : '';
}

/**
 * The OpenAI Chat Completions style, spoken by OpenAI and most hosts (Cerebras, NVIDIA, Groq,
 * Mistral, Codestral, Chutes, Perplexity, OpenRouter): `GET {base}/models`,
 * `POST {base}/chat/completions`, `Authorization: Bearer`.
 */
/**
 * OpenAI's own reasoning models (o1, o3, o4-mini, gpt-5...) refuse `max_tokens` and `temperature`:
 * they take `max_completion_tokens`, which also bounds the hidden reasoning tokens.
 */
const OPENAI_REASONING_MODEL = /^(o\d+(-[\w.-]+)?|gpt-5[\w.-]*)$/;

export const openaiAdapter: ProviderAdapter = {
  style: 'openai',

  metadataRequest(endpoint) {
    return { method: 'GET', url: `${trimBase(endpoint.baseUrl)}/models`, headers: jsonHeaders(endpoint, bearer(endpoint)) };
  },

  parseModelList(body) {
    return parseShape(() => {
      const data = arr(obj(body, 'body').data, 'data');
      return data.map((item, index) => str(obj(item, `data[${index}]`).id, `data[${index}].id`));
    });
  },

  generationRequest(endpoint, prompt) {
    const messages = chatMessages(prompt);
    return {
      method: 'POST',
      url: `${trimBase(endpoint.baseUrl)}/chat/completions`,
      headers: jsonHeaders(endpoint, bearer(endpoint)),
      body: OPENAI_REASONING_MODEL.test(endpoint.model)
        ? { model: endpoint.model, messages, max_completion_tokens: prompt.maxTokens, stream: false }
        : { model: endpoint.model, messages, temperature: prompt.temperature, max_tokens: prompt.maxTokens, stream: false },
    };
  },

  parseGeneration(body, headers) {
    return parseShape((): NormalizedReply => {
      const root = obj(body, 'body');
      const choice = obj(arr(root.choices, 'choices', 1)[0], 'choices[0]');
      const message = obj(choice.message, 'choices[0].message');
      const content = readContent(message.content, 'choices[0].message.content');
      const fieldReasoning = readReasoningField(message, 'choices[0].message');
      const usage = optObj(root.usage, 'usage');
      return {
        text: content.text,
        reasoning: [fieldReasoning, content.reasoning].filter((part) => part !== '').join('\n'),
        model: optStr(root.model, 'model'),
        id: optStr(root.id, 'id'),
        usage: usage === undefined ? null : usageOf(optCount(usage.prompt_tokens, 'usage.prompt_tokens'), optCount(usage.completion_tokens, 'usage.completion_tokens'), optCount(usage.total_tokens, 'usage.total_tokens')),
        finishReason: optStr(choice.finish_reason, 'choices[0].finish_reason'),
        headers: parseReplyHeaders(headers),
        createdAt: typeof root.created === 'number' && Number.isFinite(root.created) ? root.created * 1000 : null,
      };
    });
  },

  refineFailure(status, body) {
    // OpenAI: error.code "model_not_found"; OpenRouter: 400 "... is not a valid model ID"; Mistral: 400 "Invalid model".
    if (status === 400 || status === 404 || status === 422) {
      if (errorField(body, 'error.code') === 'model_not_found' || saysModelMissing(errorField(body, 'error.message')) || saysModelMissing(errorField(body, 'message'))) return 'model_not_found';
    }
    if (errorField(body, 'error.code') === 'invalid_api_key') return 'auth';
    return undefined;
  },
};
