import { bearerToken, randomId, readMessages, secondsOf, sse } from './common';
import type { SimErrorKind, SimErrorReply, SimStyle } from './types';

const ERRORS: Record<SimErrorKind, { status: number; type: string; code: string | null; message: (detail: string) => string }> = {
  missing_key: { status: 401, type: 'invalid_request_error', code: null, message: () => "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)." },
  bad_key: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key', message: () => 'Incorrect API key provided: ********. You can find your API key at https://platform.openai.com/account/api-keys.' },
  model_not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found', message: (model) => `The model \`${model}\` does not exist or you do not have access to it.` },
  rate_limited: { status: 429, type: 'requests', code: 'rate_limit_exceeded', message: () => 'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.' },
  server_error: { status: 500, type: 'server_error', code: null, message: () => 'The server had an error while processing your request. Sorry about that!' },
  bad_request: { status: 400, type: 'invalid_request_error', code: null, message: (detail) => detail },
  not_found: { status: 404, type: 'invalid_request_error', code: null, message: (detail) => `Invalid URL (${detail})` },
};

/** OpenAI Chat Completions, as OpenAI and the compatible hosts serve it under `/v1`. */
export const openaiSimStyle: SimStyle = {
  basePath: '/v1',
  authHeaders: ['authorization'],

  route(method, path) {
    if (method === 'GET' && path === '/v1/models') return { kind: 'models' };
    if (method === 'POST' && path === '/v1/chat/completions') return { kind: 'generation' };
    return undefined;
  },

  keyOf: (headers) => bearerToken(headers),
  readRequest: (body) => readMessages(body),

  modelsBody: (models) => ({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_721_172_741, owned_by: 'system' })) }),

  replyBody(answer) {
    const inline = answer.thinkTags && answer.reasoning !== '';
    const message: Record<string, unknown> = { role: 'assistant', content: inline ? `<think>\n${answer.reasoning}\n</think>\n\n${answer.text}` : answer.text, refusal: null };
    if (!inline && answer.reasoning !== '') message[answer.reasoningField] = answer.reasoning;
    return {
      id: answer.selfHosted ? answer.id.replace(/^chatcmpl-/, 'cmpl-') : answer.id,
      object: 'chat.completion',
      created: secondsOf(answer.createdMs),
      model: answer.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
      ...(answer.usage === null ? {} : { usage: { prompt_tokens: answer.usage.prompt, completion_tokens: answer.usage.completion, total_tokens: answer.usage.prompt + answer.usage.completion, prompt_tokens_details: { cached_tokens: answer.usage.cached ?? 0 } } }),
      // vLLM and Ollama's OpenAI endpoint send none.
      ...(answer.selfHosted ? {} : { system_fingerprint: 'fp_sim0001' }),
    };
  },

  streamChunks(answer, pieces) {
    const head = { id: answer.id, object: 'chat.completion.chunk', created: secondsOf(answer.createdMs), model: answer.model };
    const chunk = (delta: Record<string, unknown>, finish: string | null): string => sse({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const usage = answer.usage === null ? [] : [sse({ ...head, choices: [], usage: { prompt_tokens: answer.usage.prompt, completion_tokens: answer.usage.completion, total_tokens: answer.usage.prompt + answer.usage.completion } })];
    return [chunk({ role: 'assistant', content: '' }, null), ...pieces.map((piece) => chunk({ content: piece }, null)), chunk({}, 'stop'), ...usage, sse('[DONE]')];
  },

  error(kind, detail): SimErrorReply {
    const spec = ERRORS[kind];
    return { status: spec.status, body: { error: { message: spec.message(detail), type: spec.type, param: null, code: spec.code } } };
  },

  // OpenAI answers with the dated snapshot; namespaced names (OpenRouter, NVIDIA) come back as asked.
  modelVariant: (model) => (/[/:]/.test(model) || /(\d{4}-\d{2}-\d{2}|-\d{4}|-latest)$/.test(model) ? undefined : `${model}-2024-08-06`),
  replyHeaders: () => ({ 'x-request-id': `req_${randomId(32, '0123456789abcdef')}`, 'x-ratelimit-remaining-requests': '4999', 'x-ratelimit-remaining-tokens': '799000' }),
  newId: () => `chatcmpl-${randomId(29)}`,
};
