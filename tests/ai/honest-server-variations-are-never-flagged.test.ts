import type { ValidationRun } from '../../src/ai/run-history';
import type { SimProviderSpec } from '../../src/simulator/types';
import { aiSection, envFor, inBatches, moduleHarness, simSpec, withSimulator } from './helpers/ai-harness';

const RUNS = 16;
const HONEST: SimProviderSpec['options'] = { latency_ms: [60, 300] };

/**
 * What real servers do that a careless envelope check would call fake: each provider here is
 * honest and differs from a hosted OpenAI reply in one documented way.
 */
const specs: SimProviderSpec[] = [
  // vLLM: cmpl- ids, no system_fingerprint, and the served model name is the path it was loaded from.
  { ...simSpec('vllm_path_model', 'openai', 'honest', 'Qwen/Qwen2.5-7B-Instruct', { ...HONEST, self_hosted: true }), reported_models: ['/models/Qwen2.5-7B-Instruct'] },
  // Ollama's native API: no id at all, a tag on the model name.
  { ...simSpec('ollama_tagged', 'ollama', 'honest', 'llama3.2', HONEST), reported_models: ['llama3.2:latest'] },
  // Server clocks a few minutes off, either way.
  simSpec('clock_ahead_openai', 'openai', 'honest', 'gpt-sim', { ...HONEST, clock_skew_s: 300 }),
  simSpec('clock_behind_ollama', 'ollama', 'honest', 'llama3.2', { ...HONEST, clock_skew_s: -300 }),
  // Prompt caching: Anthropic leaves cached tokens out of input_tokens; OpenAI names them inside prompt_tokens.
  simSpec('cached_anthropic', 'anthropic', 'honest', 'claude-sim', { ...HONEST, cached_prompt_tokens: 1000 }),
  simSpec('cached_openai', 'openai', 'honest', 'gpt-sim', { ...HONEST, cached_prompt_tokens: 1000 }),
];

describe('honest server variations', () => {
  it(`are never flagged: self-hosted ids and path model names, no ids, clock skew, prompt caching (${RUNS} runs each)`, async () => {
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs), envFor(specs));
      const all = await inBatches(specs.length, specs.length, async (index) => {
        const runs: ValidationRun[] = [];
        for (let run = 0; run < RUNS; run += 1) {
          const report = await h.module.runLadderOnce((specs[index] as SimProviderSpec).id);
          if (report?.validation) runs.push(report.validation);
        }
        return runs;
      });
      specs.forEach((spec, index) => {
        const runs = all[index] ?? [];
        expect(runs).toHaveLength(RUNS);
        const bad = runs.filter((run) => run.result.result !== 'validated').map((run) => `${run.result.result}: ${run.result.detail}`);
        expect({ provider: spec.id, bad }).toEqual({ provider: spec.id, bad: [] });
      });
      // The variations really were on the wire (the last run's reply as received).
      const body = (id: string): string => h.module.validationHistory(id)?.[0]?.transcript?.response?.body ?? '';
      expect(body('vllm_path_model')).toMatch(/"id":"cmpl-[^"]+".*"model":"\/models\/Qwen2\.5-7B-Instruct"/);
      expect(body('vllm_path_model')).not.toContain('system_fingerprint');
      expect(body('ollama_tagged')).not.toMatch(/"id":/);
      expect(body('cached_anthropic')).toMatch(/"input_tokens":\d,.*"cache_read_input_tokens":\d\d+/);
      expect(body('cached_openai')).toMatch(/"cached_tokens":\d\d+/);
      const created = Number(/"created":(\d+)/.exec(body('clock_ahead_openai'))?.[1]) * 1000;
      expect(created - Date.now()).toBeGreaterThan(240_000);
      expect(h.module.health().ai_providers).toMatchObject({ healthy: specs.length, failed: 0 });
    });
  }, 120_000);
});
