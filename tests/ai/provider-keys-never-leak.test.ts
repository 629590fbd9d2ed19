import request from 'supertest';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import type { SimProviderSpec } from '../../src/simulator/types';
import { findAiProvidersModule } from '../../src/modules/ai-providers';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { aiSection, simSpec, yamlFor } from './helpers/ai-harness';

/** Distinctive keys: one read from an env var named in key_env, one written as api_key: ${VAR}. */
const ENV_KEY = 'sk-planted-env-Zq81Xv0Lw3Nn7Tt5';
const CONFIG_KEY = 'sk-planted-cfg-Jm42Kp9Hs6Rr1Ue8';
const KEYS = [ENV_KEY, CONFIG_KEY];
const ENDPOINTS = ['/metrics', '/metrics/ai-providers', '/health', '/ready', '/livez', '/readyz'];

/** Honest, fake and failing providers, so every path that writes a message or a transcript runs. */
const MODES: SimProviderSpec['mode'][] = ['honest', 'echo', 'canned', 'bad_key', 'server_error', 'malformed', 'wrong_shape', 'down', 'model_missing'];

describe('provider keys', () => {
  let sim: Simulator;
  let exporter: TestExporter;
  const specs = MODES.flatMap((mode, index) => [
    { ...simSpec(`env_${mode}`, index % 2 === 0 ? 'openai' : 'anthropic', mode, 'sim-model', { scope: 'generation' }), api_key: ENV_KEY },
    { ...simSpec(`cfg_${mode}`, index % 2 === 0 ? 'gemini' : 'cohere', mode, 'sim-model', { scope: 'generation' }), api_key: CONFIG_KEY },
  ]);

  beforeAll(async () => {
    sim = await startSimulator({ providers: specs });
    const overrides = Object.fromEntries(
      specs.map((spec) => [spec.id, spec.id.startsWith('env_') ? { key_env: ['PLANTED_PROVIDER_KEY'] } : { key_env: [], api_key: '${PLANTED_CONFIG_KEY}' }]),
    );
    const ai = aiSection(sim, specs, { providers: overrides, rungs: { validation: { interval: '1s', timeout: '1s' }, metadata: { interval: '1s', timeout: '1s' }, reachability: { interval: '1s', timeout: '1s' } } });
    exporter = await startTestExporter(yamlFor(ai, 'log_level: debug\n'), { env: { PLANTED_PROVIDER_KEY: ENV_KEY, PLANTED_CONFIG_KEY: CONFIG_KEY } });
    await waitFor(() => specs.every((spec) => (exporter.exporter.store.get(`ai_${spec.id}_validation`)?.runs ?? 0) >= 2), 20_000, 100);
  }, 30_000);
  afterAll(async () => {
    await exporter?.close();
    await sim?.close();
  });

  it('reach the providers (the simulator saw each key where its API style carries it)', () => {
    for (const spec of specs) expect(sim.requests(spec.id, 'models').some((record) => record.keyFoundIn.length > 0)).toBe(true);
  });

  it.each(ENDPOINTS)('appear nowhere in %s', async (endpoint) => {
    for (const accept of ['text/plain', 'application/openmetrics-text']) {
      const response = await request(exporter.url).get(endpoint).set('Accept', accept);
      for (const key of KEYS) expect(response.text).not.toContain(key);
    }
  });

  it('appear in no log line at debug level, transcripts and failures included', () => {
    const lines = exporter.logLines();
    expect(lines.some((line) => line.includes('"validation transcript"'))).toBe(true);
    expect(lines.some((line) => line.includes('"level":"warn"'))).toBe(true);
    for (const line of lines) for (const key of KEYS) expect(line).not.toContain(key);
  });

  it('appear in no stored result, error message, run history or debug report', async () => {
    for (const record of exporter.exporter.store.all()) for (const key of KEYS) expect(JSON.stringify(record)).not.toContain(key);
    const ai = findAiProvidersModule(exporter.exporter.modules);
    expect(ai).toBeDefined();
    for (const spec of specs) {
      const report = await ai?.runLadderOnce(spec.id, { debug: true });
      expect(report?.validation).not.toBeNull();
      const text = JSON.stringify([report, ai?.validationHistory(spec.id), ai?.providers()]);
      for (const key of KEYS) expect(text).not.toContain(key);
    }
  });
});
