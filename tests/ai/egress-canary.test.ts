import request from 'supertest';
import { freePort } from '../helpers/ports';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { yamlFor } from './helpers/ai-harness';

/** Providers at closed local ports: unreachable the way a cut-off pod finds the internet. */
async function unreachableConfig(canaryUrl: string): Promise<string> {
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  return yamlFor({
    include_catalogue: false,
    egress: { canary_url: canaryUrl, interval: '300ms', timeout: '300ms' },
    rungs: { reachability: { interval: '300ms', timeout: '300ms' }, metadata: { interval: '1s', timeout: '1s' }, validation: { interval: '1s', timeout: '1s' } },
    providers: {
      far_openai: { style: 'openai', base_url: `http://127.0.0.1:${ports[0]}/v1`, model: 'gpt-x', key_env: ['FAR_KEY'] },
      far_gemini: { style: 'gemini', base_url: `http://127.0.0.1:${ports[1]}/v1beta`, model: 'gemini-x', key_env: ['FAR_KEY'] },
      far_ollama: { style: 'ollama', base_url: `http://127.0.0.1:${ports[2]}`, model: 'llama-x', enabled: true },
    },
  }, 'admin:\n  http_reload: true # the test reloads through POST /-/reload\n');
}

const env = { FAR_KEY: 'sk-amas-test-far-key-55' };

describe('the egress canary', () => {
  let exporter: TestExporter;
  afterEach(async () => {
    await exporter?.close();
  });

  it('turns "every provider down and the canary too" into unknown/egress, not three outages', async () => {
    exporter = await startTestExporter(await unreachableConfig(`http://127.0.0.1:${await freePort()}`), { env });
    await waitFor(async () => (await request(exporter.url).get('/metrics')).text.includes('amas_exporter_egress_up 0'), 10_000, 100);
    await waitFor(() => ['far_openai', 'far_gemini', 'far_ollama'].every((id) => (exporter.exporter.store.get(`ai_${id}_validation`)?.runs ?? 0) >= 1), 10_000, 100);
    // /metrics and /health are rendered on change (coalesced): wait until both show the runs.
    const unknownLines = ['far_openai', 'far_gemini', 'far_ollama'].map((id) => `amas_provider_health{provider="${id}",status="unknown"} 0`);
    await waitFor(async () => {
      const text = (await request(exporter.url).get('/metrics')).text;
      return unknownLines.every((line) => text.includes(line));
    }, 10_000, 100);
    await waitFor(async () => ((await request(exporter.url).get('/health')).body.checks as { name: string; reason?: string }[]).filter((check) => check.name.startsWith('ai_provider_') && check.reason === 'egress').length === 3, 10_000, 100);
    const health = await request(exporter.url).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.ai_providers).toMatchObject({ total_configured: 3, healthy: 0, failed: 0 });
    const checks = (health.body.checks as { name: string; reason?: string; status: string }[]).filter((check) => check.name.startsWith('ai_provider_'));
    expect(checks.map((check) => [check.status, check.reason])).toEqual(new Array(3).fill(['unknown', 'egress']));
    expect((await request(exporter.url).get('/ready')).body.services.ai_router).toBe('unknown');
    // Validation runs made while egress was down say so.
    await waitFor(async () => /amas_provider_validation_skipped_total\{provider="far_openai",reason="egress"\} [1-9]/.test((await request(exporter.url).get('/metrics')).text), 10_000, 100);
  });

  it('blames the providers when the canary is reachable', async () => {
    exporter = await startTestExporter(await unreachableConfig('http://127.0.0.1:1'), { env });
    // Point the canary at the exporter itself: reachable.
    exporter.writeConfig((await unreachableConfig(exporter.url)).replace(/canary_url: .*/, `canary_url: ${exporter.url}`));
    expect((await request(exporter.url).post('/-/reload')).status).toBe(200);
    await waitFor(async () => (await request(exporter.url).get('/metrics')).text.includes('amas_exporter_egress_up 1'), 10_000, 100);
    await waitFor(async () => (await request(exporter.url).get('/health')).body.ai_providers.failed === 3, 10_000, 100);
    const health = await request(exporter.url).get('/health');
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('unhealthy');
    const reasons = (health.body.checks as { name: string; reason?: string }[]).filter((check) => check.name.startsWith('ai_provider_')).map((check) => check.reason);
    expect(reasons).toEqual(['connect_refused', 'connect_refused', 'connect_refused']);
  });
});
