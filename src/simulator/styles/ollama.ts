import { bearerToken, readMessages } from './common';
import type { SimErrorKind, SimErrorReply, SimStyle } from './types';

const ERRORS: Record<SimErrorKind, { status: number; message: (detail: string) => string }> = {
  missing_key: { status: 401, message: () => 'unauthorized' },
  bad_key: { status: 401, message: () => 'unauthorized' },
  model_not_found: { status: 404, message: (model) => `model "${model}" not found, try pulling it first` },
  rate_limited: { status: 429, message: () => 'too many requests' },
  server_error: { status: 500, message: () => 'llama runner process has terminated: exit status 2' },
  bad_request: { status: 400, message: (detail) => detail },
  not_found: { status: 404, message: () => '404 page not found' },
};

/** `llama3.2` is listed as `llama3.2:latest`, as Ollama does. */
const tagged = (name: string): string => (name.includes(':') ? name : `${name}:latest`);
const untagged = (name: string): string => name.replace(/:latest$/, '');

/** Ollama's native API at the server root: `/api/tags`, `/api/chat`. No key unless one is configured. */
export const ollamaSimStyle: SimStyle = {
  basePath: '',
  authHeaders: ['authorization'],

  route(method, path) {
    if (method === 'GET' && path === '/api/tags') return { kind: 'models' };
    if (method === 'POST' && path === '/api/chat') return { kind: 'generation' };
    return undefined;
  },

  keyOf: (headers) => bearerToken(headers),

  readRequest(body) {
    const request = readMessages(body);
    return typeof request === 'string' ? request : { ...request, model: untagged(request.model) };
  },

  modelsBody: (models) => ({
    models: models.map((name) => ({ name: tagged(name), model: tagged(name), modified_at: '2025-01-15T10:00:00.000Z', size: 2_019_393_189, digest: 'a80c4f17acd5', details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' } })),
  }),

  replyBody(answer) {
    const inline = answer.thinkTags && answer.reasoning !== '';
    const message: Record<string, unknown> = { role: 'assistant', content: inline ? `<think>\n${answer.reasoning}\n</think>\n\n${answer.text}` : answer.text };
    if (!inline && answer.reasoning !== '') message.thinking = answer.reasoning;
    return {
      model: answer.model,
      created_at: new Date(answer.createdMs).toISOString(),
      message,
      done: true,
      done_reason: 'stop',
      total_duration: 512_000_000,
      load_duration: 12_000_000,
      ...(answer.usage === null ? {} : { prompt_eval_count: answer.usage.prompt, prompt_eval_duration: 40_000_000, eval_count: answer.usage.completion, eval_duration: 450_000_000 }),
    };
  },

  error(kind, detail): SimErrorReply {
    const spec = ERRORS[kind];
    return { status: spec.status, body: { error: spec.message(detail) } };
  },

  modelVariant: () => undefined,
  replyHeaders: () => ({}),
  // Ollama replies carry no id; the id is unused.
  newId: () => '',
};
