import { contentText, header, randomId, sse } from './common';
import type { SimErrorKind, SimErrorReply, SimStyle } from './types';

const ERRORS: Record<SimErrorKind, { status: number; type: string; message: (detail: string) => string }> = {
  missing_key: { status: 401, type: 'authentication_error', message: () => 'x-api-key header is required' },
  bad_key: { status: 401, type: 'authentication_error', message: () => 'invalid x-api-key' },
  model_not_found: { status: 404, type: 'not_found_error', message: (model) => `model: ${model}` },
  rate_limited: { status: 429, type: 'rate_limit_error', message: () => 'Number of request tokens has exceeded your per-minute rate limit' },
  server_error: { status: 500, type: 'api_error', message: () => 'Internal server error' },
  bad_request: { status: 400, type: 'invalid_request_error', message: (detail) => detail },
  not_found: { status: 404, type: 'not_found_error', message: (detail) => `Not found: ${detail}` },
};

/** The Anthropic Messages API under `/v1`: `x-api-key` and a required `anthropic-version`. */
export const anthropicSimStyle: SimStyle = {
  basePath: '/v1',
  authHeaders: ['x-api-key'],

  route(method, path) {
    if (method === 'GET' && path === '/v1/models') return { kind: 'models' };
    if (method === 'POST' && path === '/v1/messages') return { kind: 'generation' };
    return undefined;
  },

  keyOf: (headers) => header(headers, 'x-api-key'),

  checkHeaders(headers) {
    return header(headers, 'anthropic-version') === undefined ? anthropicSimStyle.error('bad_request', 'anthropic-version: header is required') : undefined;
  },

  readRequest(body) {
    if (!body || typeof body !== 'object') return 'request body must be a JSON object';
    const { model, messages, max_tokens, system, stream } = body as { model?: unknown; messages?: unknown; max_tokens?: unknown; system?: unknown; stream?: unknown };
    if (typeof model !== 'string' || model === '') return 'model: Field required';
    if (typeof max_tokens !== 'number') return 'max_tokens: Field required';
    if (!Array.isArray(messages) || messages.length === 0) return 'messages: Field required';
    const users = messages.filter((m) => m && typeof m === 'object' && (m as { role?: unknown }).role === 'user');
    const user = contentText((users[users.length - 1] as { content?: unknown } | undefined)?.content);
    if (user === '') return 'messages: at least one user message is required';
    return { model, system: contentText(system), user, stream: stream === true };
  },

  modelsBody: (models) => ({
    data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2024-10-22T00:00:00Z' })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  }),

  replyBody(answer) {
    const content = [...(answer.reasoning === '' ? [] : [{ type: 'thinking', thinking: answer.reasoning, signature: randomId(64) }]), { type: 'text', text: answer.text }];
    return {
      id: answer.id,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content,
      stop_reason: 'end_turn',
      stop_sequence: null,
      ...(answer.usage === null ? {} : { usage: { input_tokens: answer.usage.prompt - (answer.usage.cached ?? 0), output_tokens: answer.usage.completion, cache_creation_input_tokens: 0, cache_read_input_tokens: answer.usage.cached ?? 0 } }),
    };
  },

  streamChunks(answer, pieces) {
    const usage = answer.usage ?? { prompt: 0, completion: 0 };
    return [
      sse({ type: 'message_start', message: { id: answer.id, type: 'message', role: 'assistant', model: answer.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.prompt, output_tokens: 1 } } }, 'message_start'),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      ...pieces.map((text) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.completion } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop'),
    ];
  },

  error(kind, detail): SimErrorReply {
    const spec = ERRORS[kind];
    return { status: spec.status, body: { type: 'error', error: { type: spec.type, message: spec.message(detail) } } };
  },

  modelVariant: () => undefined,
  replyHeaders: () => ({ 'request-id': `req_${randomId(24)}`, 'anthropic-ratelimit-requests-remaining': '49', 'anthropic-ratelimit-tokens-remaining': '39000' }),
  newId: () => `msg_01${randomId(22)}`,
};
