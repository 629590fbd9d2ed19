import type { NormalizedReply, ProviderAdapter } from '../types';
import { bearer, errorField, jsonHeaders, saysModelMissing, splitThinkTags, trimBase, chatMessages } from './common';
import { parseReplyHeaders } from './reply-headers';
import { arr, obj, optCount, optStr, parseShape, str, usageOf } from './shape';

/**
 * The native API lives at the server root; AMAS configures OLLAMA_BASE_URL as the
 * OpenAI-compatible `.../v1`, so that suffix is dropped.
 */
const nativeBase = (baseUrl: string): string => trimBase(baseUrl).replace(/\/v1$/, '');

/** `llama3.2` means `llama3.2:latest`; list both names so either spelling is found. */
function withBareNames(names: readonly string[]): string[] {
  const all = new Set<string>();
  for (const name of names) {
    all.add(name);
    if (name.endsWith(':latest')) all.add(name.slice(0, -':latest'.length));
  }
  return [...all];
}

/**
 * Ollama's native API: `GET {base}/api/tags`, `POST {base}/api/chat` with `stream:false`.
 * No key by default; one is sent as Bearer when configured (Ollama behind an auth proxy).
 * Replies carry no id, so `id` is ''.
 */
export const ollamaAdapter: ProviderAdapter = {
  style: 'ollama',

  metadataRequest(endpoint) {
    return { method: 'GET', url: `${nativeBase(endpoint.baseUrl)}/api/tags`, headers: jsonHeaders(endpoint, bearer(endpoint)) };
  },

  parseModelList(body) {
    return parseShape(() => {
      const models = arr(obj(body, 'body').models, 'models');
      return withBareNames(models.map((item, index) => str(obj(item, `models[${index}]`).name, `models[${index}].name`)));
    });
  },

  generationRequest(endpoint, prompt) {
    const messages = chatMessages(prompt);
    return {
      method: 'POST',
      url: `${nativeBase(endpoint.baseUrl)}/api/chat`,
      headers: jsonHeaders(endpoint, bearer(endpoint)),
      body: { model: endpoint.model, messages, stream: false, options: { temperature: prompt.temperature, num_predict: prompt.maxTokens } },
    };
  },

  parseGeneration(body, headers) {
    return parseShape((): NormalizedReply => {
      const root = obj(body, 'body');
      const message = obj(root.message, 'message');
      const content = splitThinkTags(str(message.content, 'message.content'));
      const thinking = optStr(message.thinking, 'message.thinking');
      return {
        text: content.text,
        reasoning: [thinking, content.reasoning].filter((part) => part !== '').join('\n'),
        model: optStr(root.model, 'model'),
        id: '',
        usage: usageOf(optCount(root.prompt_eval_count, 'prompt_eval_count'), optCount(root.eval_count, 'eval_count')),
        finishReason: optStr(root.done_reason, 'done_reason'),
        headers: parseReplyHeaders(headers),
        createdAt: typeof root.created_at === 'string' && Number.isFinite(Date.parse(root.created_at)) ? Date.parse(root.created_at) : null,
      };
    });
  },

  refineFailure(status, body) {
    if ((status === 400 || status === 404) && saysModelMissing(errorField(body, 'error'))) return 'model_not_found';
    return undefined;
  },
};
