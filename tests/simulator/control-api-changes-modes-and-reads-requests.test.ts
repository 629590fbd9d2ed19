import { adapterFor } from '../../src/ai/adapters/registry';
import { fetchModels, generate } from '../../src/ai/provider-client';
import { baseUrlFor } from '../../src/simulator/base-url';
import { demoKey, demoProviders } from '../../src/simulator/demo-set';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { ample, challengeSpec, freshChallenge, simulatedEndpoint } from '../helpers/simulated-provider';

const KEY = 'sim-control-key-0123456789';
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ providers: [{ id: 'oa', style: 'openai', model: 'gpt-4o', api_key: KEY }, { id: 'ge', style: 'gemini', model: 'gemini-2.0-flash', api_key: KEY }] });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const control = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${sim.origin}/_sim${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  return { status: response.status, body: await response.json() };
};

describe('the control API', () => {
  it('lists providers with their base URLs and never their keys', async () => {
    const { status, body } = await control('GET', '/providers');
    expect(status).toBe(200);
    expect(body).toEqual([
      expect.objectContaining({ id: 'oa', style: 'openai', mode: 'honest', requiresKey: true, baseUrl: `${sim.origin}/p/oa/v1` }),
      expect.objectContaining({ id: 'ge', style: 'gemini', baseUrl: `${sim.origin}/p/ge/v1beta` }),
    ]);
    expect(JSON.stringify(body)).not.toContain(KEY);
  });

  it('changes the mode at run time; the next call behaves accordingly', async () => {
    expect(await control('POST', '/providers/oa', { mode: 'rate_limited', retry_after: 12 })).toMatchObject({ status: 200, body: { mode: 'rate_limited', options: { retry_after: 12 } } });
    expect(await generate(adapterFor('openai'), simulatedEndpoint(sim, 'oa', KEY), challengeSpec(freshChallenge()), ample())).toMatchObject({ ok: false, reason: 'rate_limited', retryAfterSeconds: 12 });
    await control('POST', '/providers/oa', { mode: 'honest' });
    expect(await generate(adapterFor('openai'), simulatedEndpoint(sim, 'oa', KEY), challengeSpec(freshChallenge()), ample())).toMatchObject({ ok: true });
  });

  it('refuses an unknown mode or option with 400 and an unknown provider with 404', async () => {
    expect(await control('POST', '/providers/oa', { mode: 'sleepy' })).toMatchObject({ status: 400 });
    expect(await control('POST', '/providers/oa', { mode: 'slow', delay: 5 })).toMatchObject({ status: 400 });
    expect(await control('GET', '/providers/nobody')).toMatchObject({ status: 404 });
  });

  it('records each request with its endpoint kind and status, and where the key was found', async () => {
    await fetchModels(adapterFor('gemini'), simulatedEndpoint(sim, 'ge', KEY), ample());
    await generate(adapterFor('gemini'), simulatedEndpoint(sim, 'ge', 'not-the-key-000'), challengeSpec(freshChallenge()), ample());
    const { body } = await control('GET', '/providers/ge/requests');
    expect(body).toEqual([
      expect.objectContaining({ kind: 'models', method: 'GET', path: '/p/ge/v1beta/models', status: 200, keyFoundIn: ['x-goog-api-key'] }),
      expect.objectContaining({ kind: 'generation', method: 'POST', path: '/p/ge/v1beta/models/gemini-2.0-flash:generateContent', status: 400, keyFoundIn: [] }),
    ]);
    expect(JSON.stringify(body)).not.toContain(KEY);
    expect(JSON.stringify(body)).not.toContain('not-the-key-000');
    expect((await control('GET', '/providers/ge/requests?kind=generation')).body).toHaveLength(1);
    await control('DELETE', '/providers/ge/requests');
    expect((await control('GET', '/providers/ge/requests')).body).toEqual([]);
  });

  it('reset puts every provider back to its initial mode', async () => {
    sim.setMode('oa', 'down');
    expect(await control('POST', '/reset')).toMatchObject({ status: 200 });
    expect(sim.provider('oa').mode).toBe('honest');
  });
});

describe('base URLs and the demo set', () => {
  it('baseUrlFor gives each style the suffix its real base URL has', () => {
    expect(baseUrlFor('http://127.0.0.1:1', 'x', 'openai')).toBe('http://127.0.0.1:1/p/x/v1');
    expect(baseUrlFor('http://127.0.0.1:1', 'x', 'gemini')).toBe('http://127.0.0.1:1/p/x/v1beta');
    expect(baseUrlFor('http://127.0.0.1:1', 'x', 'cohere')).toBe('http://127.0.0.1:1/p/x');
    expect(baseUrlFor('http://127.0.0.1:1', 'x', 'anthropic')).toBe('http://127.0.0.1:1/p/x/v1');
    expect(baseUrlFor(sim, 'x', 'ollama')).toBe(`${sim.origin}/p/x`);
  });

  it('the demo set simulates every catalogue provider and starts', async () => {
    const demo = await startSimulator({ providers: demoProviders() });
    try {
      expect(demo.list()).toHaveLength(20);
      const result = await generate(adapterFor('anthropic'), simulatedEndpoint(demo, 'anthropic', demoKey('anthropic')), challengeSpec(freshChallenge()), ample());
      expect(result.ok).toBe(true);
    } finally {
      await demo.close();
    }
  });
});
