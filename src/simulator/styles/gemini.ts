import { contentText, header, randomId, sse } from './common';
import type { SimErrorKind, SimErrorReply, SimStyle } from './types';

const ERRORS: Record<SimErrorKind, { status: number; status_text: string; message: (detail: string) => string; reason?: string }> = {
  missing_key: { status: 403, status_text: 'PERMISSION_DENIED', message: () => "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API." },
  // The real API answers a wrong key with 400, not 401.
  bad_key: { status: 400, status_text: 'INVALID_ARGUMENT', message: () => 'API key not valid. Please pass a valid API key.', reason: 'API_KEY_INVALID' },
  model_not_found: { status: 404, status_text: 'NOT_FOUND', message: (model) => `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.` },
  rate_limited: { status: 429, status_text: 'RESOURCE_EXHAUSTED', message: () => 'Resource has been exhausted (e.g. check quota).' },
  server_error: { status: 500, status_text: 'INTERNAL', message: () => 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting' },
  bad_request: { status: 400, status_text: 'INVALID_ARGUMENT', message: (detail) => detail },
  not_found: { status: 404, status_text: 'NOT_FOUND', message: (detail) => `Requested entity was not found: ${detail}` },
};

const GENERATE = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

function partsText(value: unknown): string {
  const parts = value && typeof value === 'object' ? (value as { parts?: unknown }).parts : undefined;
  return Array.isArray(parts) ? contentText(parts) : '';
}

/** The Gemini API under `/v1beta`: key in `x-goog-api-key` (or `?key=`), model in the path. */
export const geminiSimStyle: SimStyle = {
  basePath: '/v1beta',
  authHeaders: ['x-goog-api-key'],

  route(method, path) {
    if (method === 'GET' && path === '/v1beta/models') return { kind: 'models' };
    const match = GENERATE.exec(path);
    if (method === 'POST' && match) return { kind: 'generation', pathModel: decodeURIComponent(match[1] as string), stream: match[2] === 'streamGenerateContent' };
    return undefined;
  },

  keyOf: (headers, url) => header(headers, 'x-goog-api-key') ?? url.searchParams.get('key') ?? undefined,

  readRequest(body, pathModel) {
    if (!body || typeof body !== 'object') return 'Invalid JSON payload received.';
    const { contents, systemInstruction } = body as { contents?: unknown; systemInstruction?: unknown };
    if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
    const users = contents.filter((item) => item && typeof item === 'object' && ((item as { role?: unknown }).role ?? 'user') === 'user');
    const user = partsText(users[users.length - 1]);
    if (user === '') return '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.';
    return { model: pathModel ?? '', system: partsText(systemInstruction), user };
  },

  modelsBody: (models) => ({
    models: models.map((name) => ({ name: `models/${name}`, version: '001', displayName: name, inputTokenLimit: 1_048_576, outputTokenLimit: 8192, supportedGenerationMethods: ['generateContent', 'countTokens'] })),
  }),

  replyBody(answer) {
    const parts = [...(answer.reasoning === '' ? [] : [{ text: answer.reasoning, thought: true }]), { text: answer.text }];
    return {
      candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', avgLogprobs: -0.12 }],
      ...(answer.usage === null
        ? {}
        : {
            usageMetadata: {
              promptTokenCount: answer.usage.prompt,
              candidatesTokenCount: answer.usage.completion,
              totalTokenCount: answer.usage.prompt + answer.usage.completion,
              promptTokensDetails: [{ modality: 'TEXT', tokenCount: answer.usage.prompt }],
            },
          }),
      modelVersion: answer.model,
      responseId: answer.id,
    };
  },

  streamChunks(answer, pieces) {
    const usage = answer.usage === null ? {} : { usageMetadata: { promptTokenCount: answer.usage.prompt, candidatesTokenCount: answer.usage.completion, totalTokenCount: answer.usage.prompt + answer.usage.completion } };
    return pieces.map((text, index) => {
      const last = index === pieces.length - 1;
      return sse({ candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(last ? { finishReason: 'STOP' } : {}) }], ...(last ? usage : {}), modelVersion: answer.model, responseId: answer.id });
    });
  },

  error(kind, detail): SimErrorReply {
    const spec = ERRORS[kind];
    const details = spec.reason === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: spec.reason, domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }];
    return { status: spec.status, body: { error: { code: spec.status, message: spec.message(detail), status: spec.status_text, ...(details.length === 0 ? {} : { details }) } } };
  },

  modelVariant: (model) => (/-\d{3}$|-latest$|-exp/.test(model) ? undefined : `${model}-001`),
  replyHeaders: () => ({}),
  newId: () => randomId(22),
};
