import { adapters } from '../../src/ai/adapters/registry';
import { CATALOGUE, defaultsFromEnv, findProvider, keyFromEnv } from '../../src/ai/catalogue';

const IDS = ['cerebras', 'nvidia', 'gemini2', 'codestral', 'cohere', 'chutes', 'groq2', 'groqai', 'deepseek', 'glm', 'grok', 'kimi', 'qwen', 'gptoss', 'openai', 'anthropic', 'gemini', 'mistral', 'perplexity', 'ollama'];
const OPENROUTER = ['deepseek', 'glm', 'grok', 'kimi', 'qwen', 'gptoss'];

describe('the provider catalogue', () => {
  it('lists every provider AMAS knows, once each, each with an adapter for its style', () => {
    expect(CATALOGUE.map((entry) => entry.id)).toEqual(IDS);
    for (const entry of CATALOGUE) {
      expect(adapters[entry.style]).toBeDefined();
      expect(entry.base_url).toMatch(/^https?:\/\/[^/]+.*[^/]$/);
      expect(entry.price_usd_per_million_tokens.input).toBeGreaterThanOrEqual(0);
      if (entry.expected_latency_seconds) expect(entry.expected_latency_seconds[0]).toBeLessThanOrEqual(entry.expected_latency_seconds[1]);
    }
  });

  it('routes the six OpenRouter providers through OpenRouter with its headers, free models at price 0', () => {
    for (const id of OPENROUTER) {
      const entry = findProvider(id);
      expect(entry).toMatchObject({ style: 'openai', base_url: 'https://openrouter.ai/api/v1', price_usd_per_million_tokens: { input: 0, output: 0 } });
      expect(Object.keys(entry?.headers ?? {}).sort()).toEqual(['HTTP-Referer', 'X-Title']);
      expect(entry?.model).toMatch(/:free$/);
    }
  });

  it("keeps AMAS v2's ranks", () => {
    const rank = (id: string): number | undefined => findProvider(id)?.priority;
    expect([rank('openai'), rank('anthropic'), rank('cerebras'), rank('nvidia'), rank('groq2'), rank('deepseek'), rank('codestral')]).toEqual([0, 0, 1, 1, 2, 3, 3]);
    expect([rank('glm'), rank('gemini2'), rank('grok'), rank('cohere'), rank('kimi'), rank('qwen'), rank('gptoss'), rank('chutes'), rank('ollama')]).toEqual([4, 4, 5, 6, 7, 8, 9, 10, 100]);
  });

  it('marks thinking models as reasoning', () => {
    expect(findProvider('nvidia')).toMatchObject({ model: 'deepseek-ai/deepseek-r1', reasoning: true });
    expect(findProvider('openai')?.reasoning).toBe(false);
  });

  it('returns undefined for an unknown id', () => {
    expect(findProvider('openrouter')).toBeUndefined();
  });
});

describe('key and default lookup from the environment', () => {
  const anthropic = findProvider('anthropic')!;
  const ollama = findProvider('ollama')!;

  it('takes the first key variable that is set, whitespace-stripped, and names it', () => {
    expect(keyFromEnv(anthropic, { CLAUDE_API_KEY: ' second-key \n' })).toEqual({ name: 'CLAUDE_API_KEY', value: 'second-key' });
    expect(keyFromEnv(anthropic, { ANTHROPIC_API_KEY: 'first-key', CLAUDE_API_KEY: 'second-key' })).toEqual({ name: 'ANTHROPIC_API_KEY', value: 'first-key' });
    expect(keyFromEnv(findProvider('gemini')!, { GEMINIAI_API_KEY: 'g' })).toEqual({ name: 'GEMINIAI_API_KEY', value: 'g' });
    expect(keyFromEnv(findProvider('openai')!, { GPT4_API_KEY: 'o' })).toEqual({ name: 'GPT4_API_KEY', value: 'o' });
  });

  it('treats a blank variable as unset, and needs no key for ollama', () => {
    expect(keyFromEnv(anthropic, { ANTHROPIC_API_KEY: '   ' })).toBeNull();
    expect(ollama.key_env).toEqual([]);
    expect(keyFromEnv(ollama, {})).toBeNull();
  });

  it("applies OLLAMA_BASE_URL and OLLAMA_MODEL over ollama's defaults", () => {
    expect(defaultsFromEnv(ollama, {})).toEqual({ baseUrl: 'http://127.0.0.1:11434', model: 'llama3.2' });
    expect(defaultsFromEnv(ollama, { OLLAMA_BASE_URL: 'http://ollama:11434/v1/', OLLAMA_MODEL: 'qwen2.5' })).toEqual({ baseUrl: 'http://ollama:11434/v1', model: 'qwen2.5' });
  });
});
