import { adapterFor } from '../../src/ai/adapters/registry';
import type { ApiStyle, PromptSpec, ProviderEndpoint } from '../../src/ai/types';

const KEY = 'test-key-0123456789';
const PROMPT: PromptSpec = { system: 'Answer exactly.', user: 'Say hi.', maxTokens: 64, temperature: 0.2 };
const endpoint = (baseUrl: string, model: string, headers: Record<string, string> = {}): ProviderEndpoint => ({ baseUrl, apiKey: KEY, model, headers });

/** Header names whose value holds the key. */
const keyHeaders = (headers: Readonly<Record<string, string>>): string[] => Object.keys(headers).filter((name) => (headers[name] ?? '').includes(KEY));

interface Expectation {
  readonly style: ApiStyle;
  readonly base: string;
  readonly model: string;
  readonly modelsUrl: string;
  readonly generationUrl: string;
  readonly keyHeader: string;
  readonly body: Record<string, unknown>;
}

const CASES: readonly Expectation[] = [
  {
    style: 'openai', base: 'https://api.cerebras.ai/v1/', model: 'llama3.1-70b',
    modelsUrl: 'https://api.cerebras.ai/v1/models', generationUrl: 'https://api.cerebras.ai/v1/chat/completions', keyHeader: 'authorization',
    body: { model: 'llama3.1-70b', temperature: 0.2, max_tokens: 64, messages: [{ role: 'system', content: 'Answer exactly.' }, { role: 'user', content: 'Say hi.' }] },
  },
  {
    style: 'gemini', base: 'https://generativelanguage.googleapis.com/v1beta', model: 'gemini-2.0-flash',
    modelsUrl: 'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000',
    generationUrl: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent', keyHeader: 'x-goog-api-key',
    body: { systemInstruction: { parts: [{ text: 'Answer exactly.' }] }, contents: [{ role: 'user', parts: [{ text: 'Say hi.' }] }], generationConfig: { temperature: 0.2, maxOutputTokens: 64 } },
  },
  {
    style: 'cohere', base: 'https://api.cohere.ai', model: 'command-a-03-2025',
    modelsUrl: 'https://api.cohere.ai/v1/models?page_size=1000', generationUrl: 'https://api.cohere.ai/v2/chat', keyHeader: 'authorization',
    body: { model: 'command-a-03-2025', temperature: 0.2, max_tokens: 64, messages: [{ role: 'system', content: 'Answer exactly.' }, { role: 'user', content: 'Say hi.' }] },
  },
  {
    style: 'anthropic', base: 'https://api.anthropic.com/v1', model: 'claude-3-5-sonnet-20241022',
    modelsUrl: 'https://api.anthropic.com/v1/models?limit=1000', generationUrl: 'https://api.anthropic.com/v1/messages', keyHeader: 'x-api-key',
    body: { model: 'claude-3-5-sonnet-20241022', max_tokens: 64, temperature: 0.2, system: 'Answer exactly.', messages: [{ role: 'user', content: 'Say hi.' }] },
  },
  {
    // AMAS's OLLAMA_BASE_URL names the OpenAI-compatible /v1; the native API is at the root.
    style: 'ollama', base: 'http://127.0.0.1:11434/v1', model: 'llama3.2',
    modelsUrl: 'http://127.0.0.1:11434/api/tags', generationUrl: 'http://127.0.0.1:11434/api/chat', keyHeader: 'authorization',
    body: { model: 'llama3.2', stream: false, options: { temperature: 0.2, num_predict: 64 }, messages: [{ role: 'system', content: 'Answer exactly.' }, { role: 'user', content: 'Say hi.' }] },
  },
];

describe('each adapter builds the requests its real API documents', () => {
  it.each(CASES)('$style: models list and generation URLs, key header and body', (c) => {
    const adapter = adapterFor(c.style);
    const models = adapter.metadataRequest(endpoint(c.base, c.model));
    expect(models).toMatchObject({ method: 'GET', url: c.modelsUrl });
    expect(models.body).toBeUndefined();
    expect(keyHeaders(models.headers)).toEqual([c.keyHeader]);
    const generation = adapter.generationRequest(endpoint(c.base, c.model), PROMPT);
    expect(generation).toMatchObject({ method: 'POST', url: c.generationUrl, body: c.body });
    expect(keyHeaders(generation.headers)).toEqual([c.keyHeader]);
    expect(JSON.stringify(generation.body)).not.toContain(KEY);
  });

  it('sends Bearer for OpenAI style and anthropic-version for Anthropic', () => {
    expect(adapterFor('openai').generationRequest(endpoint('https://x/v1', 'm'), PROMPT).headers.authorization).toBe(`Bearer ${KEY}`);
    expect(adapterFor('anthropic').generationRequest(endpoint('https://x/v1', 'm'), PROMPT).headers['anthropic-version']).toBe('2023-06-01');
  });

  it("asks OpenAI's reasoning models for max_completion_tokens and no temperature, and other models for max_tokens", () => {
    for (const model of ['o1', 'o3-mini', 'o4-mini-2025-04-16', 'gpt-5', 'gpt-5-mini']) {
      const body = adapterFor('openai').generationRequest(endpoint('https://api.openai.com/v1', model), PROMPT).body as Record<string, unknown>;
      expect([model, body.max_completion_tokens, body.max_tokens, body.temperature]).toEqual([model, PROMPT.maxTokens, undefined, undefined]);
    }
    for (const model of ['gpt-4o', 'openai/gpt-oss-120b:free', 'llama-3.3-70b-versatile', 'omni-model']) {
      const body = adapterFor('openai').generationRequest(endpoint('https://x/v1', model), PROMPT).body as Record<string, unknown>;
      expect([model, body.max_tokens, body.max_completion_tokens]).toEqual([model, PROMPT.maxTokens, undefined]);
    }
  });

  it('adds the endpoint extra headers (OpenRouter) but never lets them replace the key header', () => {
    const spec = adapterFor('openai').generationRequest(endpoint('https://openrouter.ai/api/v1', 'm', { 'HTTP-Referer': 'https://example.test', 'X-Title': 'AMAS', Authorization: 'Bearer other' }), PROMPT);
    expect(spec.headers).toMatchObject({ 'HTTP-Referer': 'https://example.test', 'X-Title': 'AMAS', authorization: `Bearer ${KEY}` });
    expect(spec.headers.Authorization).toBeUndefined();
  });

  it('lets an extra header replace a default of another case instead of sending both', () => {
    const spec = adapterFor('anthropic').generationRequest(endpoint('https://x/v1', 'm', { 'Anthropic-Version': '2023-01-01' }), PROMPT);
    expect(Object.keys(spec.headers).filter((name) => name.toLowerCase() === 'anthropic-version')).toEqual(['Anthropic-Version']);
    expect(spec.headers['Anthropic-Version']).toBe('2023-01-01');
  });

  it('sends no auth header when the provider needs no key', () => {
    const spec = adapterFor('ollama').generationRequest({ baseUrl: 'http://127.0.0.1:11434', apiKey: null, model: 'llama3.2', headers: {} }, PROMPT);
    expect(Object.keys(spec.headers).map((name) => name.toLowerCase())).not.toContain('authorization');
  });

  it('leaves out the system prompt when there is none', () => {
    const spec = adapterFor('anthropic').generationRequest(endpoint('https://x/v1', 'm'), { user: 'u', maxTokens: 8, temperature: 0 });
    expect(spec.body).not.toHaveProperty('system');
  });
});
