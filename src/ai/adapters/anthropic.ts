import type { NormalizedReply, ProviderAdapter } from '../types';
import { errorField, jsonHeaders, trimBase } from './common';
import { parseReplyHeaders } from './reply-headers';
import { arr, obj, optCount, optObj, optStr, parseShape, str, usageOf } from './shape';

/** The API version every request must name; a config header may override it. */
export const ANTHROPIC_VERSION = '2023-06-01';

const auth = (apiKey: string | null): Record<string, string> => (apiKey === null ? {} : { 'x-api-key': apiKey });

/**
 * The Anthropic Messages API (base `https://api.anthropic.com/v1`): `GET {base}/models`,
 * `POST {base}/messages`, `x-api-key` plus `anthropic-version`.
 */
function cachedInput(usage: Record<string, unknown>, input: number | null): number | null {
  if (input === null) return null;
  const extra = ['cache_read_input_tokens', 'cache_creation_input_tokens'].map((key) => usage[key]).filter((n): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0);
  return input + extra.reduce((a, b) => a + b, 0);
}

export const anthropicAdapter: ProviderAdapter = {
  style: 'anthropic',

  metadataRequest(endpoint) {
    // Paged with 20 by default; 1000 is the maximum and holds every model.
    return { method: 'GET', url: `${trimBase(endpoint.baseUrl)}/models?limit=1000`, headers: jsonHeaders(endpoint, auth(endpoint.apiKey), { 'anthropic-version': ANTHROPIC_VERSION }) };
  },

  parseModelList(body) {
    return parseShape(() => {
      const data = arr(obj(body, 'body').data, 'data');
      return data.map((item, index) => str(obj(item, `data[${index}]`).id, `data[${index}].id`));
    });
  },

  generationRequest(endpoint, prompt) {
    return {
      method: 'POST',
      url: `${trimBase(endpoint.baseUrl)}/messages`,
      headers: jsonHeaders(endpoint, auth(endpoint.apiKey), { 'anthropic-version': ANTHROPIC_VERSION }),
      body: {
        model: endpoint.model,
        max_tokens: prompt.maxTokens,
        temperature: prompt.temperature,
        ...(prompt.system === undefined ? {} : { system: prompt.system }),
        messages: [{ role: 'user', content: prompt.user }],
      },
    };
  },

  parseGeneration(body, headers) {
    return parseShape((): NormalizedReply => {
      const root = obj(body, 'body');
      const text: string[] = [];
      const reasoning: string[] = [];
      arr(root.content, 'content').forEach((item, index) => {
        const block = obj(item, `content[${index}]`);
        const type = str(block.type, `content[${index}].type`);
        if (type === 'text') text.push(str(block.text, `content[${index}].text`));
        else if (type === 'thinking') reasoning.push(optStr(block.thinking, `content[${index}].thinking`));
        // redacted_thinking and tool_use blocks carry no readable answer.
      });
      const usage = optObj(root.usage, 'usage');
      return {
        text: text.join(''),
        reasoning: reasoning.join('\n'),
        model: optStr(root.model, 'model'),
        id: optStr(root.id, 'id'),
        // With prompt caching, input_tokens leaves out the cached part; the prompt is all three.
        usage: usage === undefined ? null : usageOf(cachedInput(usage, optCount(usage.input_tokens, 'usage.input_tokens')), optCount(usage.output_tokens, 'usage.output_tokens')),
        finishReason: optStr(root.stop_reason, 'stop_reason'),
        headers: parseReplyHeaders(headers),
      };
    });
  },

  refineFailure(_status, body) {
    const type = errorField(body, 'error.type');
    if (type === 'authentication_error' || type === 'permission_error') return 'auth';
    if (type === 'not_found_error') return 'model_not_found';
    return undefined;
  },
};
