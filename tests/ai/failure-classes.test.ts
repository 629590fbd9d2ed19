import request from 'supertest';
import type { FailureReason } from '../../src/probes/types';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import type { FailureMode, SimProviderSpec } from '../../src/simulator/types';
import { API_STYLES } from '../../src/ai/types';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { aiSection, envFor, simSpec, yamlFor } from './helpers/ai-harness';

/** The bounded reason each failure mode must produce on the validation rung (generation only fails). */
const EXPECTED: Readonly<Record<FailureMode, FailureReason>> = {
  rate_limited: 'rate_limited',
  server_error: 'http_5xx',
  flaky: 'http_5xx',
  slow: 'timeout',
  trickle: 'timeout',
  huge: 'too_large',
  endless: 'timeout',
  malformed: 'invalid_reply',
  wrong_shape: 'invalid_reply',
  bad_key: 'auth',
  model_missing: 'model_not_found',
  down: 'connect',
};
/** Modes whose error replies differ per API style; the others are transport-level and tested once. */
const PER_STYLE: readonly FailureMode[] = ['bad_key', 'model_missing', 'malformed', 'wrong_shape', 'rate_limited', 'server_error'];

const cases: { spec: SimProviderSpec; mode: FailureMode }[] = [
  ...(Object.keys(EXPECTED) as FailureMode[]).map((mode) => ({ mode, spec: simSpec(`${mode}_openai`, 'openai', mode, 'openai-sim-model', { scope: 'generation', delay_ms: 4000, retry_after: 1 }) })),
  ...API_STYLES.filter((style) => style !== 'openai').flatMap((style) =>
    PER_STYLE.map((mode) => ({ mode, spec: simSpec(`${mode}_${style}`, style, mode, `${style}-sim-model`, { scope: 'generation', retry_after: 1 }) })),
  ),
];
const bystander = simSpec('bystander', 'anthropic', 'honest', 'claude-sim');
const specs = [...cases.map((c) => c.spec), bystander];

describe('every failure class of a provider call', () => {
  let sim: Simulator;
  let exporter: TestExporter;
  const validationRecord = (id: string) => exporter.exporter.store.get(`ai_${id}_validation`);

  beforeAll(async () => {
    sim = await startSimulator({ providers: specs });
    const ai = aiSection(sim, specs, {
      rungs: { reachability: { interval: '2s', timeout: '2s' }, metadata: { interval: '2s', timeout: '2s' }, validation: { interval: '2s', timeout: '2s' } },
      // Failures must keep being attempted here: the breaker and the budget are tested elsewhere.
      circuit: { failure_threshold: 100 },
      budget: { requests: null, tokens: null, usd: null },
      providers: {
        bystander: { priority: 0 },
        // The modes that hang get a short deadline; everything else has room on a busy machine.
        ...Object.fromEntries(['slow_openai', 'trickle_openai', 'endless_openai'].map((id) => [id, { rungs: { validation: { interval: '1s', timeout: '1s' } } }])),
      },
    });
    exporter = await startTestExporter(yamlFor(ai, 'scheduler:\n  max_concurrent: 64\n'), { env: envFor(specs) });
    await waitFor(() => cases.every(({ spec }) => (validationRecord(spec.id)?.runs ?? 0) >= 3) && (validationRecord('bystander')?.runs ?? 0) >= 3, 25_000, 100);
  }, 40_000);
  afterAll(async () => {
    await exporter?.close();
    await sim?.close();
  });

  it.each(cases.map(({ spec, mode }) => [spec.id, mode, EXPECTED[mode]] as const))('%s (%s) fails the validation rung with reason %s', (id, _mode, reason) => {
    const record = validationRecord(id);
    expect(record?.failures.get(reason) ?? 0).toBeGreaterThanOrEqual(1);
    // Nothing else, except that a busy machine may push a run past its deadline.
    const others = [...(record?.failures.keys() ?? [])].filter((other) => other !== reason && other !== 'timeout');
    expect(others).toEqual([]);
  });

  it('labels the failed paid calls and the probe failures with the same bounded reasons', async () => {
    const metrics = (await request(exporter.url).get('/metrics')).text;
    for (const { spec, mode } of cases) {
      expect(metrics).toContain(`amas_probe_failures_total{probe="ai_${spec.id}_validation",reason="${EXPECTED[mode]}"}`);
      expect(metrics).toMatch(new RegExp(`amas_ai_requests_total\\{provider="${spec.id}",status="${EXPECTED[mode]}",validated="false"\\} [1-9]`));
    }
    expect(metrics).toContain('amas_provider_model_listed{provider="model_missing_openai",model="openai-sim-model"} 0');
  });

  it('keeps serving /metrics and /health, and the honest bystander keeps being validated on its own schedule', async () => {
    const before = validationRecord('bystander')?.runs ?? 0;
    await waitFor(() => (validationRecord('bystander')?.runs ?? 0) >= before + 2, 10_000, 100);
    expect(validationRecord('bystander')?.latest?.outcome.ok).toBe(true);
    expect(Object.fromEntries(validationRecord('bystander')?.failures ?? [])).toEqual({});
    const health = await request(exporter.url).get('/health');
    expect(health.status).toBe(200);
    // The flaky provider is healthy every other run; the bystander always, and it ranks first.
    expect(health.body.ai_providers).toMatchObject({ primary_active: 'bystander', total_configured: specs.length });
    expect(health.body.ai_providers.healthy).toBeGreaterThanOrEqual(1);
    expect(health.body.status).toBe('degraded');
    expect((await request(exporter.url).get('/metrics')).status).toBe(200);
    expect(exporter.exporter.isStopped).toBe(false);
  });

  it('reports each failing provider as failed with its reason in /health', async () => {
    const health = await request(exporter.url).get('/health');
    const checks = new Map((health.body.checks as { name: string; status: string; reason: string; provider_status: string }[]).map((check) => [check.name, check]));
    for (const { spec, mode } of cases) {
      if (mode === 'flaky' || mode === 'rate_limited') continue; // alternate between states by design
      expect(checks.get(`ai_provider_${spec.id}`)).toMatchObject({ status: 'fail', provider_status: 'failed', reason: EXPECTED[mode] });
    }
  });
});
