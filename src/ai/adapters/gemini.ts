import type { NormalizedReply, ProviderAdapter } from '../types';
import { errorField, jsonHeaders, saysModelMissing, trimBase } from './common';
import { parseReplyHeaders } from './reply-headers';
import { arr, obj, optCount, optObj, optStr, parseShape, str, usageOf } from './shape';

/** The key travels in `x-goog-api-key`, never in `?key=`, so it stays out of URLs and access logs. */
const auth = (apiKey: string | null): Record<string, string> => (apiKey === null ? {} : { 'x-goog-api-key': apiKey });

/** `error.details[].reason` of a Google API error, e.g. API_KEY_INVALID. */
function detailReasons(body: unknown): string[] {
  const details = (body as { error?: { details?: unknown } } | null | undefined)?.error?.details;
  if (!Array.isArray(details)) return [];
  return details.map((detail) => errorField(detail, 'reason')).filter((reason): reason is string => reason !== undefined);
}

/** Model ids are listed as `models/<id>`; requests and config use the bare id. */
const bareModel = (name: string): string => name.replace(/^models\//, '');

/**
 * The Gemini API (generativelanguage.googleapis.com, base `.../v1beta`):
 * `GET {base}/models`, `POST {base}/models/{model}:generateContent`, `x-goog-api-key`.
 */
export const geminiAdapter: ProviderAdapter = {
  style: 'gemini',

  metadataRequest(endpoint) {
    // One page of up to 1000 (the API's maximum) so the configured model is not on a later page.
    return { method: 'GET', url: `${trimBase(endpoint.baseUrl)}/models?pageSize=1000`, headers: jsonHeaders(endpoint, auth(endpoint.apiKey)) };
  },

  parseModelList(body) {
    return parseShape(() => {
      const models = arr(obj(body, 'body').models, 'models');
      return models.map((item, index) => bareModel(str(obj(item, `models[${index}]`).name, `models[${index}].name`)));
    });
  },

  generationRequest(endpoint, prompt) {
    return {
      method: 'POST',
      url: `${trimBase(endpoint.baseUrl)}/models/${encodeURIComponent(bareModel(endpoint.model))}:generateContent`,
      headers: jsonHeaders(endpoint, auth(endpoint.apiKey)),
      body: {
        ...(prompt.system === undefined ? {} : { systemInstruction: { parts: [{ text: prompt.system }] } }),
        contents: [{ role: 'user', parts: [{ text: prompt.user }] }],
        generationConfig: { temperature: prompt.temperature, maxOutputTokens: prompt.maxTokens },
      },
    };
  },

  parseGeneration(body, headers) {
    return parseShape((): NormalizedReply => {
      const root = obj(body, 'body');
      const usageMeta = optObj(root.usageMetadata, 'usageMetadata');
      const usage =
        usageMeta === undefined
          ? null
          : usageOf(
              optCount(usageMeta.promptTokenCount, 'usageMetadata.promptTokenCount'),
              // Thinking tokens are billed as output, so they count as completion tokens here.
              (optCount(usageMeta.candidatesTokenCount, 'usageMetadata.candidatesTokenCount') ?? 0) + (optCount(usageMeta.thoughtsTokenCount, 'usageMetadata.thoughtsTokenCount') ?? 0),
              optCount(usageMeta.totalTokenCount, 'usageMetadata.totalTokenCount'),
            );
      const common = { model: optStr(root.modelVersion, 'modelVersion'), id: optStr(root.responseId, 'responseId'), usage, headers: parseReplyHeaders(headers) };
      const feedback = optObj(root.promptFeedback, 'promptFeedback');
      if (root.candidates === undefined && feedback !== undefined) {
        // A blocked prompt has no candidates, only promptFeedback.blockReason.
        return { ...common, text: '', reasoning: '', finishReason: optStr(feedback.blockReason, 'promptFeedback.blockReason') };
      }
      const candidate = obj(arr(root.candidates, 'candidates', 1)[0], 'candidates[0]');
      // A candidate cut at MAX_TOKENS or by safety may have no content or no parts: an empty answer, not a wrong shape.
      const content = optObj(candidate.content, 'candidates[0].content');
      const parts = content?.parts === undefined ? [] : arr(content.parts, 'candidates[0].content.parts');
      const text: string[] = [];
      const reasoning: string[] = [];
      parts.forEach((item, index) => {
        const part = obj(item, `candidates[0].content.parts[${index}]`);
        const piece = optStr(part.text, `candidates[0].content.parts[${index}].text`);
        (part.thought === true ? reasoning : text).push(piece);
      });
      return { ...common, text: text.join(''), reasoning: reasoning.join(''), finishReason: optStr(candidate.finishReason, 'candidates[0].finishReason') };
    });
  },

  refineFailure(status, body) {
    const reason = detailReasons(body);
    if (reason.includes('API_KEY_INVALID') || /api key not (valid|found)/i.test(errorField(body, 'error.message') ?? '')) return 'auth';
    if (status === 400 && saysModelMissing(errorField(body, 'error.message'))) return 'model_not_found';
    return undefined;
  },
};
