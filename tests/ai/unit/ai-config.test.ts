import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CATALOGUE } from '../../../src/ai/catalogue';
import { resolveProviders } from '../../../src/ai/resolve-providers';
import { ConfigError } from '../../../src/config/errors';
import { parseConfig } from '../../../src/modules/config';

const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => parseConfig(yaml, '/etc/amas/exporter.yaml', { env });
const problems = (yaml: string): string[] => {
  try {
    load(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
};

describe('the ai: section', () => {
  it('defaults to every catalogue provider, configured exactly when its key variable is set', () => {
    const env = { CEREBRAS_API_KEY: ' sk-cerebras-key-123 ', GPT4_API_KEY: 'sk-gpt4-fallback-456' };
    const providers = resolveProviders(load('{}', env).config.ai, env);
    expect(providers.map((p) => p.id).sort()).toEqual(CATALOGUE.map((entry) => entry.id).sort());
    const byId = new Map(providers.map((p) => [p.id, p]));
    expect(byId.get('cerebras')).toMatchObject({ configured: true, keySource: 'CEREBRAS_API_KEY', endpoint: { apiKey: 'sk-cerebras-key-123' } });
    expect(byId.get('openai')).toMatchObject({ configured: true, keySource: 'GPT4_API_KEY' });
    expect(byId.get('nvidia')).toMatchObject({ configured: false, unconfiguredReason: 'no key: set NVIDIA_API_KEY' });
    expect(byId.get('ollama')?.configured).toBe(false);
    // Priority order: openai and anthropic (0) first, ollama (100) last.
    expect(providers[0]?.id).toBe('openai');
    expect(providers.at(-1)?.id).toBe('ollama');
    expect(byId.get('nvidia')).toMatchObject({ reasoning: true, maxTokens: 1024 });
    expect(byId.get('cerebras')).toMatchObject({ maxTokens: 128, rungs: { validation: { intervalMs: 1_800_000 } } });
  });

  it('overrides catalogue fields, adds a provider of a known style and reads keys from files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-ai-config-'));
    const keyFile = path.join(dir, 'groq-key');
    writeFileSync(keyFile, 'gsk-from-a-file-789\n');
    const yaml = `
ai:
  include_catalogue: false
  prices:
    llama-3.1-8b-instant: { input: 0.05, output: 0.08 }
  providers:
    groq2:
      model: llama-3.1-8b-instant
      api_key_file: ${keyFile}
      rungs: { validation: { interval: 1h } }
      validators: { timing: { min_latency_ms: 80 } }
    ollama:
      base_url: http://ollama.ai.svc:11434
    lab_vllm:
      style: openai
      base_url: http://vllm.lab.svc:8000/v1/
      model: qwen2.5-7b-instruct
      key_env: [LAB_VLLM_KEY]
      budget: { usd: null }
`;
    const loaded = load(yaml, { LAB_VLLM_KEY: 'lab-key-abcdef' });
    expect(loaded.secrets).toContain('gsk-from-a-file-789');
    const providers = resolveProviders(loaded.config.ai, { LAB_VLLM_KEY: 'lab-key-abcdef' });
    // Ties in priority keep the order of the config.
    expect(providers.map((p) => p.id)).toEqual(['groq2', 'ollama', 'lab_vllm']);
    const [groq, ollama, lab] = providers;
    expect(groq).toMatchObject({ configured: true, keySource: 'api_key', endpoint: { model: 'llama-3.1-8b-instant', apiKey: 'gsk-from-a-file-789' }, price: { inputPerMillion: 0.05 } });
    expect(groq?.rungs.validation.intervalMs).toBe(3_600_000);
    expect(groq?.validators.timing.min_latency_ms).toBe(80);
    expect(groq?.validators.timing.identical_window).toBe(6);
    expect(lab).toMatchObject({ style: 'openai', configured: true, endpoint: { baseUrl: 'http://vllm.lab.svc:8000/v1' }, budget: { usd: null, requests: 96 } });
    expect(ollama).toMatchObject({ configured: true, endpoint: { apiKey: null, baseUrl: 'http://ollama.ai.svc:11434' } });
  });

  it('changes a provider’s fingerprint when its key changes, and only then', () => {
    const config = load('{}').config.ai;
    const first = resolveProviders(config, { COHERE_API_KEY: 'co-key-1111' }).find((p) => p.id === 'cohere');
    const again = resolveProviders(config, { COHERE_API_KEY: 'co-key-1111' }).find((p) => p.id === 'cohere');
    const rotated = resolveProviders(config, { COHERE_API_KEY: 'co-key-2222' }).find((p) => p.id === 'cohere');
    expect(again?.fingerprint).toBe(first?.fingerprint);
    expect(rotated?.fingerprint).not.toBe(first?.fingerprint);
    expect(first?.fingerprint).not.toContain('co-key');
  });

  it.each([
    ['ai:\n  providers:\n    mystery:\n      base_url: https://x.example/v1\n', 'ai.providers.mystery.style: "mystery" is not in the catalogue, so style is required'],
    ['ai:\n  providers:\n    cerebras:\n      modle: x\n', 'ai.providers.cerebras.modle: unknown key "modle"'],
    ['ai:\n  rungs:\n    validation: { interval: 1m, timeout: 5m }\n', 'ai.rungs.validation.timeout: timeout must not be longer than interval (300000ms > 60000ms)'],
    ['ai:\n  providers:\n    Bad-Id: { style: openai, base_url: https://x.example, model: m }\n', 'ai.providers.Bad-Id'],
    ['ai:\n  validators:\n    envelope: { id_optional_styles: [grpc] }\n', 'ai.validators.envelope.id_optional_styles[0]'],
    ['ai:\n  egress: { canary_url: ftp://example.com }\n', 'ai.egress.canary_url'],
  ])('refuses %j with a located message', (yaml, expected) => {
    expect(problems(yaml).join('\n')).toContain(expected);
  });
});
