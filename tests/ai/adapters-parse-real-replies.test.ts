import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adapterFor } from '../../src/ai/adapters/registry';
import { isShapeError, type ApiStyle, type NormalizedReply } from '../../src/ai/types';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../fixtures/ai', name), 'utf8'));

const NO_HEADERS = { requestId: null, rateLimitRemainingRequests: null, rateLimitRemainingTokens: null, retryAfterSeconds: null };

interface Case {
  readonly fixture: string;
  readonly style: ApiStyle;
  readonly expected: Partial<NormalizedReply>;
}

const GENERATIONS: readonly Case[] = [
  { fixture: 'openai-chat.json', style: 'openai', expected: { text: 'X7K2M9QP 1234', reasoning: '', model: 'gpt-4o-2024-08-06', id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', usage: { promptTokens: 41, completionTokens: 7, totalTokens: 48 }, finishReason: 'stop' } },
  { fixture: 'openai-chat-reasoning-content.json', style: 'openai', expected: { text: 'X7K2M9QP 1234', reasoning: 'The code is X7K2M9QP. 1000 + 234 = 1234. One line only.', model: 'deepseek-ai/deepseek-r1' } },
  { fixture: 'openai-chat-openrouter-reasoning.json', style: 'openai', expected: { text: 'X7K2M9QP 1234', reasoning: 'We need to output the code then the sum 1000+234=1234.', model: 'openai/gpt-oss-120b:free' } },
  { fixture: 'openai-chat-think-tags.json', style: 'openai', expected: { text: 'X7K2M9QP 1234', reasoning: 'Copy the code, add 1000 and 234.' } },
  { fixture: 'openai-chat-reasoning-only.json', style: 'openai', expected: { text: '', reasoning: 'Let me think about the code and the sum...', finishReason: 'length' } },
  { fixture: 'gemini-generate.json', style: 'gemini', expected: { text: 'X7K2M9QP 1234\n', reasoning: '', model: 'gemini-2.0-flash', id: 'mIzOZ8aJHo2BgLUPq5PzqQg', usage: { promptTokens: 38, completionTokens: 8, totalTokens: 46 }, finishReason: 'STOP' } },
  { fixture: 'gemini-generate-thinking.json', style: 'gemini', expected: { text: 'X7K2M9QP 1234', reasoning: '**Summing up**\n\nThe code is X7K2M9QP and 1000 + 234 is 1234.', usage: { promptTokens: 38, completionTokens: 107, totalTokens: 145 } } },
  { fixture: 'gemini-blocked.json', style: 'gemini', expected: { text: '', finishReason: 'SAFETY', model: 'gemini-1.5-pro-002' } },
  { fixture: 'cohere-chat.json', style: 'cohere', expected: { text: 'X7K2M9QP 1234', reasoning: '', model: '', id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4', usage: { promptTokens: 532, completionTokens: 9, totalTokens: 541 }, finishReason: 'COMPLETE' } },
  { fixture: 'cohere-chat-thinking.json', style: 'cohere', expected: { text: 'X7K2M9QP 1234', reasoning: 'Copy the code; 1000 + 234 = 1234.' } },
  { fixture: 'anthropic-messages.json', style: 'anthropic', expected: { text: 'X7K2M9QP 1234', reasoning: '', model: 'claude-3-5-sonnet-20241022', id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF', usage: { promptTokens: 40, completionTokens: 10, totalTokens: 50 }, finishReason: 'end_turn' } },
  { fixture: 'anthropic-messages-thinking.json', style: 'anthropic', expected: { text: 'X7K2M9QP 1234', reasoning: 'The code is X7K2M9QP; 1000 + 234 = 1234.' } },
  { fixture: 'ollama-chat.json', style: 'ollama', expected: { text: 'X7K2M9QP 1234', reasoning: '', model: 'llama3.2', id: '', usage: { promptTokens: 26, completionTokens: 8, totalTokens: 34 }, finishReason: 'stop' } },
  { fixture: 'ollama-chat-thinking.json', style: 'ollama', expected: { text: 'X7K2M9QP 1234', reasoning: 'Copy the code and add 1000 and 234, giving 1234.', model: 'deepseek-r1:8b' } },
];

describe('each adapter normalises a real-shaped generation reply', () => {
  it.each(GENERATIONS)('$style: $fixture', ({ fixture: name, style, expected }) => {
    const reply = adapterFor(style).parseGeneration(fixture(name), {});
    expect(isShapeError(reply)).toBe(false);
    expect(reply).toMatchObject({ headers: NO_HEADERS, ...expected });
  });
});

describe('each adapter reads its models list', () => {
  it.each([
    { style: 'openai' as const, name: 'openai-models.json', models: ['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-mini'] },
    { style: 'gemini' as const, name: 'gemini-models.json', models: ['gemini-2.0-flash', 'gemini-1.5-pro'] },
    { style: 'cohere' as const, name: 'cohere-models.json', models: ['command-a-03-2025', 'command-r-plus-08-2024'] },
    { style: 'anthropic' as const, name: 'anthropic-models.json', models: ['claude-3-5-sonnet-20241022', 'claude-3-5-haiku-20241022'] },
    // Ollama's `:latest` tag is implied by the bare name, so both spellings are listed.
    { style: 'ollama' as const, name: 'ollama-tags.json', models: ['llama3.2:latest', 'llama3.2', 'deepseek-r1:8b'] },
  ])('$style: $name', ({ style, name, models }) => {
    expect(adapterFor(style).parseModelList(fixture(name))).toEqual(models);
  });
});

describe('reply headers are kept: request id, remaining rate limit, Retry-After', () => {
  it('reads OpenAI-style headers', () => {
    const reply = adapterFor('openai').parseGeneration(fixture('openai-chat.json'), {
      'x-request-id': 'req_abc',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-remaining-tokens': '29000',
      'retry-after': '3',
    });
    expect(reply).toMatchObject({ headers: { requestId: 'req_abc', rateLimitRemainingRequests: 499, rateLimitRemainingTokens: 29000, retryAfterSeconds: 3 } });
  });

  it('reads Anthropic headers and falls back to cf-ray for the id', () => {
    const anthropic = adapterFor('anthropic').parseGeneration(fixture('anthropic-messages.json'), { 'request-id': 'req_011', 'anthropic-ratelimit-requests-remaining': '49' });
    expect(anthropic).toMatchObject({ headers: { requestId: 'req_011', rateLimitRemainingRequests: 49, rateLimitRemainingTokens: null } });
    const viaCloudflare = adapterFor('openai').parseGeneration(fixture('openai-chat.json'), { 'cf-ray': '8f1d2c3b4a5e6f70-AMS' });
    expect(viaCloudflare).toMatchObject({ headers: { requestId: '8f1d2c3b4a5e6f70-AMS' } });
  });
});

describe('error replies whose status hides the reason are refined by the adapter', () => {
  it.each([
    { style: 'gemini' as const, status: 400, name: 'gemini-error-invalid-key.json', reason: 'auth' },
    { style: 'openai' as const, status: 401, name: 'openai-error-invalid-key.json', reason: 'auth' },
    { style: 'openai' as const, status: 400, name: 'openai-error-openrouter-invalid-model.json', reason: 'model_not_found' },
    { style: 'cohere' as const, status: 401, name: 'cohere-error-invalid-token.json', reason: 'auth' },
    { style: 'anthropic' as const, status: 404, name: 'anthropic-error-not-found.json', reason: 'model_not_found' },
  ])('$style $status $name → $reason', ({ style, status, name, reason }) => {
    expect(adapterFor(style).refineFailure?.(status, fixture(name))).toBe(reason);
  });

  it('leaves an ordinary bad request alone', () => {
    expect(adapterFor('openai').refineFailure?.(400, { error: { message: 'temperature must be at most 2', type: 'invalid_request_error' } })).toBeUndefined();
  });
});
