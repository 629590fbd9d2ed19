import { bearerToken, readMessages, sse, uuid } from './common';
import type { SimErrorKind, SimErrorReply, SimStyle } from './types';

const ERRORS: Record<SimErrorKind, { status: number; message: (detail: string) => string }> = {
  missing_key: { status: 401, message: () => 'no api key supplied' },
  bad_key: { status: 401, message: () => 'invalid api token' },
  model_not_found: { status: 404, message: (model) => `model '${model}' not found, make sure the correct model ID was used and that you have access to the model.` },
  rate_limited: { status: 429, message: () => 'You are past the per minute request limit, please wait and try again later.' },
  server_error: { status: 500, message: () => 'internal server error, this has been reported to our developers' },
  bad_request: { status: 400, message: (detail) => `invalid request: ${detail}` },
  not_found: { status: 404, message: (detail) => `404 page not found: ${detail}` },
};

/** Cohere: models at `/v1/models`, chat at `/v2/chat`, Bearer key. The chat reply names no model. */
export const cohereSimStyle: SimStyle = {
  basePath: '',
  authHeaders: ['authorization'],

  route(method, path) {
    if (method === 'GET' && path === '/v1/models') return { kind: 'models' };
    if (method === 'POST' && path === '/v2/chat') return { kind: 'generation' };
    return undefined;
  },

  keyOf: (headers) => bearerToken(headers),
  readRequest: (body) => readMessages(body),

  modelsBody: (models) => ({
    models: models.map((name) => ({ name, endpoints: ['chat', 'generate'], finetuned: false, context_length: 256_000, features: ['tools', 'json_mode'] })),
  }),

  replyBody(answer) {
    const content = [...(answer.reasoning === '' ? [] : [{ type: 'thinking', thinking: answer.reasoning }]), { type: 'text', text: answer.text }];
    const counts = answer.usage === null ? undefined : { input_tokens: answer.usage.prompt, output_tokens: answer.usage.completion };
    return {
      id: answer.id,
      message: { role: 'assistant', content },
      finish_reason: 'COMPLETE',
      ...(counts === undefined ? {} : { usage: { billed_units: counts, tokens: counts } }),
    };
  },

  streamChunks(answer, pieces) {
    const counts = answer.usage === null ? undefined : { input_tokens: answer.usage.prompt, output_tokens: answer.usage.completion };
    return [
      sse({ id: answer.id, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } }, 'message-start'),
      sse({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } }, 'content-start'),
      ...pieces.map((text) => sse({ type: 'content-delta', index: 0, delta: { message: { content: { text } } } }, 'content-delta')),
      sse({ type: 'content-end', index: 0 }, 'content-end'),
      sse({ type: 'message-end', delta: { finish_reason: 'COMPLETE', ...(counts === undefined ? {} : { usage: { billed_units: counts, tokens: counts } }) } }, 'message-end'),
    ];
  },

  error(kind, detail): SimErrorReply {
    const spec = ERRORS[kind];
    return { status: spec.status, body: { id: uuid(), message: spec.message(detail) } };
  },

  modelVariant: () => undefined,
  replyHeaders: () => ({ 'x-request-id': uuid(), 'x-endpoint-monthly-call-limit': '1000' }),
  newId: () => uuid(),
};
