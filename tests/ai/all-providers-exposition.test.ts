import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { CATALOGUE } from '../../src/ai/catalogue';
import { demoKey, demoProviders } from '../../src/simulator/demo-set';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { requireBinary } from '../helpers/prometheus';
import { yamlFor } from './helpers/ai-harness';

/** Every catalogue provider pointed at its simulated twin (a few misbehave, as in the demo), keys from their real env vars. */
function catalogueConfig(sim: Simulator, disabled: readonly string[] = []): string {
  const providers = Object.fromEntries(CATALOGUE.map((entry) => [entry.id, { base_url: sim.baseUrl(entry.id), ...(disabled.includes(entry.id) ? { enabled: false } : {}) }]));
  return yamlFor({
    egress: { canary_url: sim.origin },
    rungs: { reachability: { interval: '1s', timeout: '1s' }, metadata: { interval: '2s', timeout: '2s' }, validation: { interval: '2s', timeout: '2s' } },
    providers,
  }, 'admin:\n  http_reload: true # the test reloads through POST /-/reload\n');
}

const catalogueEnv = (): NodeJS.ProcessEnv => Object.fromEntries(CATALOGUE.filter((entry) => entry.key_env.length > 0).map((entry) => [entry.key_env[0] as string, demoKey(entry.id)]));

describe('every catalogue provider configured at once', () => {
  let sim: Simulator;
  let exporter: TestExporter;
  const validations = (id: string): number => exporter.exporter.store.get(`ai_${id}_validation`)?.runs ?? 0;

  beforeAll(async () => {
    sim = await startSimulator({ providers: demoProviders().map((spec) => ({ ...spec, options: { ...spec.options, latency_ms: [20, 120] } })) });
    exporter = await startTestExporter(catalogueConfig(sim), { env: catalogueEnv() });
    await waitFor(() => CATALOGUE.every((entry) => validations(entry.id) >= 1), 20_000, 100);
  }, 30_000);
  afterAll(async () => {
    await exporter?.close();
    await sim?.close();
  });

  it('passes `promtool check metrics` with no finding (exit 0)', async () => {
    const text = (await request(exporter.url).get('/metrics')).text;
    for (const family of ['amas_provider_health', 'amas_ai_requests_total', 'amas_ai_response_time_seconds_bucket', 'amas_provider_budget_spent', 'amas_provider_probe_success', 'amas_exporter_egress_up']) {
      expect(text).toContain(`${family}`);
    }
    const result = spawnSync(requireBinary('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const findings = `${result.stdout}${result.stderr}`.split('\n').filter(Boolean);
    expect({ status: result.status, findings }).toEqual({ status: 0, findings: [] });
  });

  it('reports one current status per provider, and /health names a check for each in the seed shape', async () => {
    const text = (await request(exporter.url).get('/metrics/ai-providers')).text;
    for (const entry of CATALOGUE) expect(text.match(new RegExp(`^amas_provider_health\\{provider="${entry.id}",status="[a-z_]+"\\} [01]$`, 'gm'))).toHaveLength(1);
    const health = (await request(exporter.url).get('/health')).body;
    expect(health.ai_providers.total_configured).toBe(CATALOGUE.length);
    expect(health.ai_providers.primary_active).toBe('openai'); // priority 0, honest in the demo set
    expect(health.ai_providers.failover_ready).toBe(true);
    expect(health.bulletproof).toMatchObject({ validation_active: true, fake_ai_detection: true });
    const names = (health.checks as { name: string }[]).map((check) => check.name);
    for (const entry of CATALOGUE) expect(names).toContain(`ai_provider_${entry.id}`);
    expect(names).toContain('bulletproof_validation');
    // grok is canned in the demo set: flagged, so /health is degraded and says why.
    expect(health.status).toBe('degraded');
    expect(health.status_reasons).toContain('AI provider grok flagged as fake AI (template)');
    const ready = (await request(exporter.url).get('/ready')).body;
    expect(ready.services.ai_router).toBe('ready');
    expect(ready.bulletproof.providers_ready).toBe(health.ai_providers.healthy);
  });

  it('drops every series of a provider that leaves the config, counters included', async () => {
    const before = (await request(exporter.url).get('/metrics')).text;
    expect(before).toMatch(/provider="grok"/);
    exporter.writeConfig(catalogueConfig(sim, ['grok']));
    expect((await request(exporter.url).post('/-/reload')).status).toBe(200);
    const after = (await request(exporter.url).get('/metrics')).text;
    expect(after).not.toMatch(/provider="grok"/);
    expect(after).not.toMatch(/probe="ai_grok_/);
    expect(after).toMatch(/provider="qwen"/);
    expect((await request(exporter.url).get('/health')).body.ai_providers.total_configured).toBe(CATALOGUE.length - 1);
  });
});
