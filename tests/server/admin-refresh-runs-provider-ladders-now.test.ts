import request from 'supertest';
import type { Simulator } from '../../src/simulator/server';
import { aiSection, expectNoKeys, keyEnv, recorded, startProviders } from '../cli/sim-providers';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

const TOKEN = 'refresh-admin-token-abcdef0123456789';

describe('POST /admin/refresh-provider-health and GET /debug/probes for providers', () => {
  let sim: Simulator;
  let exporter: TestExporter;
  const seen: string[] = [];
  const refresh = (query = '') => request(exporter.url).post(`/admin/refresh-provider-health${query}`).set('Authorization', `Bearer ${TOKEN}`);
  beforeAll(async () => {
    sim = await startProviders();
    exporter = await startTestExporter(`${aiSection(sim, ['cerebras', 'grok'])}\nadmin:\n  token: ${TOKEN}\n  max_auth_failures: 50\n`, { env: { ...process.env, ...keyEnv() } });
    // The scheduled first runs happen at start; the validation rung then waits 30 minutes.
    await waitFor(() => exporter.exporter.store.allRanOnce(), 20_000);
    await fetch(`${sim.origin}/_sim/providers/cerebras/requests`, { method: 'DELETE' });
    await fetch(`${sim.origin}/_sim/providers/grok/requests`, { method: 'DELETE' });
  });
  afterAll(async () => {
    await exporter.close();
    await sim.close();
  });

  it('makes no call for a request with a wrong token', async () => {
    const response = await request(exporter.url).post('/admin/refresh-provider-health').set('Authorization', 'Bearer not-the-token-0000000000');
    seen.push(response.text);
    expect(response.status).toBe(401);
    expect(await recorded(sim, 'cerebras', 'generation')).toEqual([]);
  });

  it('runs one provider\'s ladder now when named in the query, and returns the new result', async () => {
    const response = await refresh('?provider=cerebras');
    seen.push(response.text);
    expect(response.status).toBe(200);
    expect(response.body.refreshed).toBe(1);
    expect(response.body.results[0]).toMatchObject({ provider: 'cerebras', status: 'healthy', validation: { result: 'validated', verdicts: { answer: { ok: true } } } });
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(1);
    expect(await recorded(sim, 'grok', 'generation')).toEqual([]);
  });

  it('runs every provider when none is named (the provider may come in the JSON body too)', async () => {
    const all = await refresh();
    seen.push(all.text);
    expect(all.status).toBe(200);
    const byId = Object.fromEntries((all.body.results as { provider: string; status: string }[]).map((result) => [result.provider, result.status]));
    expect(byId).toEqual({ cerebras: 'healthy', grok: 'fake_ai' });
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(2);
    expect(await recorded(sim, 'grok', 'generation')).toHaveLength(1);
    const one = await refresh().send({ provider: 'grok' });
    expect(one.body.results.map((result: { provider: string }) => result.provider)).toEqual(['grok']);
    expect(await recorded(sim, 'grok', 'generation')).toHaveLength(2);
  });

  it('refuses a provider that is not configured (404) or not an id (400), calling nothing', async () => {
    expect((await refresh('?provider=openai')).status).toBe(404);
    expect((await refresh('?provider=http://evil.example/')).status).toBe(400);
    expect((await refresh().set('Content-Type', 'application/json').send('{"provider": ')).status).toBe(400);
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(2);
  });

  it('shows each validator\'s verdict and the redacted transcript of the kept runs under /debug/probes', async () => {
    const response = await request(exporter.url).get('/debug/probes/ai_grok_validation').set('Authorization', `Bearer ${TOKEN}`);
    seen.push(response.text);
    expect(response.status).toBe(200);
    expect(response.body.history[0]).toMatchObject({ ok: false, reason: 'fake_ai' });
    const runs = response.body.provider.validation_runs as { result: { result: string }; verdicts: Record<string, { ok: boolean; reason?: string }>; transcript: { request: { headers: Record<string, string> } } }[];
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]?.result.result).toBe('fake_ai_detected');
    expect(runs[0]?.verdicts.template).toMatchObject({ ok: false, reason: 'template' });
    expect(runs[0]?.transcript.request.headers.authorization).toBe('[REDACTED]');
    const byId = await request(exporter.url).get('/debug/probes/cerebras').set('Authorization', `Bearer ${TOKEN}`);
    expect(byId.body.provider.validation_runs[0].result.result).toBe('validated');
  });

  it('never shows a provider key or the admin token', async () => {
    const page = await request(exporter.url).get('/');
    const status = await request(exporter.url).get('/api/status');
    expectNoKeys(...seen, page.text, status.text, ...exporter.logLines());
    for (const text of [...seen, page.text, status.text, ...exporter.logLines()]) expect(text).not.toContain(TOKEN);
  });
});
