import type { NormalizedReply, ProviderAdapter } from '../types';
import { bearer, errorField, jsonHeaders, saysModelMissing, trimBase, chatMessages } from './common';
import { parseReplyHeaders } from './reply-headers';
import { arr, obj, optCount, optObj, optStr, parseShape, str, usageOf } from './shape';

/**
 * Cohere (base `https://api.cohere.ai`): `GET {base}/v1/models`, `POST {base}/v2/chat`,
 * `Authorization: Bearer`. The v2 chat reply names no model.
 */
export const cohereAdapter: ProviderAdapter = {
  style: 'cohere',

  metadataRequest(endpoint) {
    // The list is paged (20 by default); one page of 1000 holds every model.
    return { method: 'GET', url: `${trimBase(endpoint.baseUrl)}/v1/models?page_size=1000`, headers: jsonHeaders(endpoint, bearer(endpoint)) };
  },

  parseModelList(body) {
    return parseShape(() => {
      const models = arr(obj(body, 'body').models, 'models');
      return models.map((item, index) => str(obj(item, `models[${index}]`).name, `models[${index}].name`));
    });
  },

  generationRequest(endpoint, prompt) {
    const messages = chatMessages(prompt);
    return {
      method: 'POST',
      url: `${trimBase(endpoint.baseUrl)}/v2/chat`,
      headers: jsonHeaders(endpoint, bearer(endpoint)),
      body: { model: endpoint.model, messages, temperature: prompt.temperature, max_tokens: prompt.maxTokens, stream: false },
    };
  },

  parseGeneration(body, headers) {
    return parseShape((): NormalizedReply => {
      const root = obj(body, 'body');
      const message = obj(root.message, 'message');
      const text: string[] = [];
      const reasoning: string[] = [];
      // Content may be absent when the model only called tools or produced nothing.
      const content = message.content === undefined || message.content === null ? [] : arr(message.content, 'message.content');
      content.forEach((item, index) => {
        const part = obj(item, `message.content[${index}]`);
        const type = optStr(part.type, `message.content[${index}].type`);
        if (type === 'thinking') reasoning.push(optStr(part.thinking, `message.content[${index}].thinking`));
        else if (type === 'text' || type === '') text.push(str(part.text, `message.content[${index}].text`));
      });
      const usage = optObj(root.usage, 'usage');
      // `tokens` is what the model saw; `billed_units` what was charged. Prefer the former.
      const counts = usage === undefined ? undefined : (optObj(usage.tokens, 'usage.tokens') ?? optObj(usage.billed_units, 'usage.billed_units'));
      return {
        text: text.join(''),
        reasoning: reasoning.join('\n'),
        model: '',
        id: optStr(root.id, 'id'),
        usage: counts === undefined ? null : usageOf(optCount(counts.input_tokens, 'usage.tokens.input_tokens'), optCount(counts.output_tokens, 'usage.tokens.output_tokens')),
        finishReason: optStr(root.finish_reason, 'finish_reason'),
        headers: parseReplyHeaders(headers),
      };
    });
  },

  refineFailure(status, body) {
    // Cohere documents 498 for an invalid token besides 401.
    if (status === 498 || /invalid api token|no api key supplied/i.test(errorField(body, 'message') ?? '')) return 'auth';
    if ((status === 400 || status === 404) && saysModelMissing(errorField(body, 'message'))) return 'model_not_found';
    return undefined;
  },
};
