import { adapterFor } from '../../src/ai/adapters/registry';
import { fetchModels, generate } from '../../src/ai/provider-client';
import { API_STYLES, type ApiStyle } from '../../src/ai/types';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { freePort } from '../helpers/ports';
import { ample, challengeSpec, freshChallenge, simulatedEndpoint } from '../helpers/simulated-provider';

const KEY = 'sk-test-failure-classes-0123456789';
const openai = adapterFor('openai');
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    providers: [
      { id: 'main', style: 'openai', model: 'gpt-4o', api_key: KEY },
      ...API_STYLES.map((style) => ({ id: `s-${style}`, style, model: `model-${style}`, api_key: KEY })),
    ],
  });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const call = (signal: AbortSignal = ample(), maxBodyBytes?: number) =>
  generate(openai, simulatedEndpoint(sim, 'main', KEY), challengeSpec(freshChallenge()), signal, maxBodyBytes === undefined ? {} : { maxBodyBytes });

describe('timeouts: the signal covers waiting for headers and reading the body', () => {
  it('fails with timeout when the provider is slower than the deadline', async () => {
    sim.setMode('main', 'slow', { delay_ms: 20_000 });
    expect(await call(AbortSignal.timeout(300))).toMatchObject({ ok: false, reason: 'timeout', status: null });
  });

  it('fails with timeout when headers arrive but the body trickles in past the deadline', async () => {
    sim.setMode('main', 'trickle', { trickle_interval_ms: 50 });
    const result = await call(AbortSignal.timeout(500));
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    // The simulator sent 200 and its headers: the cut happened while reading the body.
    expect(sim.requests('main', 'generation').at(-1)?.status).toBe(200);
  });

  it('fails with timeout when the body never ends', async () => {
    sim.setMode('main', 'endless');
    expect(await call(AbortSignal.timeout(500))).toMatchObject({ ok: false, reason: 'timeout' });
  });
});

describe('network failures', () => {
  it('connect_refused on a closed port', async () => {
    const port = await freePort();
    const result = await generate(openai, { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY, model: 'gpt-4o', headers: {} }, challengeSpec(freshChallenge()), ample());
    expect(result).toMatchObject({ ok: false, reason: 'connect_refused', status: null });
  });

  it('dns for a name under .invalid', async () => {
    const result = await fetchModels(openai, { baseUrl: 'http://provider.invalid/v1', apiKey: KEY, model: 'gpt-4o', headers: {} }, ample());
    expect(result).toMatchObject({ ok: false, reason: 'dns' });
  });

  it('tls when a plain-HTTP port is spoken to as https', async () => {
    const result = await fetchModels(openai, { baseUrl: `https://127.0.0.1:${sim.port}/p/main/v1`, apiKey: KEY, model: 'gpt-4o', headers: {} }, ample());
    expect(result).toMatchObject({ ok: false, reason: 'tls' });
  });

  it('connect when the provider drops the connection at once', async () => {
    sim.setMode('main', 'down');
    expect(await call()).toMatchObject({ ok: false, reason: 'connect', status: null });
  });
});

describe('HTTP status classes', () => {
  it.each(API_STYLES)('auth when the %s provider refuses the key', async (style: ApiStyle) => {
    const id = `s-${style}`;
    // Gemini refuses a wrong key with 400 API_KEY_INVALID; the adapter reads it as auth.
    const status = style === 'gemini' ? 400 : 401;
    for (const result of [
      await fetchModels(adapterFor(style), simulatedEndpoint(sim, id, 'wrong-key-9876543210'), ample()),
      await generate(adapterFor(style), simulatedEndpoint(sim, id, 'wrong-key-9876543210'), challengeSpec(freshChallenge()), ample()),
    ]) {
      expect(result).toMatchObject({ ok: false, reason: 'auth', status });
    }
  });

  it('auth when the key is missing altogether, and in bad_key mode even with the right key', async () => {
    expect(await generate(adapterFor('gemini'), simulatedEndpoint(sim, 's-gemini', null), challengeSpec(freshChallenge()), ample())).toMatchObject({ ok: false, reason: 'auth', status: 403 });
    sim.setMode('main', 'bad_key');
    expect(await call()).toMatchObject({ ok: false, reason: 'auth', status: 401 });
  });

  it.each(API_STYLES)('model_not_found when the %s provider does not serve the model, while the models list still loads', async (style: ApiStyle) => {
    const id = `s-${style}`;
    sim.setMode(id, 'model_missing');
    const endpoint = simulatedEndpoint(sim, id, KEY);
    const models = await fetchModels(adapterFor(style), endpoint, ample());
    expect(models.ok).toBe(true);
    expect(models.ok && models.models.includes(endpoint.model)).toBe(false);
    expect(await generate(adapterFor(style), endpoint, challengeSpec(freshChallenge()), ample())).toMatchObject({ ok: false, reason: 'model_not_found', status: 404 });
  });

  it('rate_limited with Retry-After in seconds', async () => {
    sim.setMode('main', 'rate_limited', { retry_after: 7 });
    const result = await call();
    expect(result).toMatchObject({ ok: false, reason: 'rate_limited', status: 429, retryAfterSeconds: 7 });
    expect(result.ok === false && result.message).toContain('retry after 7s');
  });

  it('rate_limited with Retry-After as an HTTP-date', async () => {
    sim.setMode('main', 'rate_limited', { retry_after: 'date' });
    const result = await call();
    expect(result).toMatchObject({ ok: false, reason: 'rate_limited', status: 429 });
    const seconds = result.ok ? null : result.retryAfterSeconds;
    expect(seconds).not.toBeNull();
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(31);
  });

  it('http_5xx on 500 and 503', async () => {
    sim.setMode('main', 'server_error');
    expect(await call()).toMatchObject({ ok: false, reason: 'http_5xx', status: 500 });
    sim.setMode('main', 'server_error', { status: 503 });
    expect(await call()).toMatchObject({ ok: false, reason: 'http_5xx', status: 503 });
  });

  it('flaky alternates success and 503', async () => {
    sim.setMode('main', 'flaky');
    const results = [await call(), await call(), await call(), await call()];
    expect(results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual(['ok', 'http_5xx', 'ok', 'http_5xx']);
  });
});

describe('replies that are not usable', () => {
  it('invalid_reply for a body that is not JSON', async () => {
    sim.setMode('main', 'malformed');
    const result = await call();
    expect(result).toMatchObject({ ok: false, reason: 'invalid_reply', status: 200 });
    expect(result.ok === false && result.message).toContain('not JSON');
  });

  it('invalid_reply for JSON of the wrong shape, naming the field', async () => {
    sim.setMode('main', 'wrong_shape');
    const result = await call();
    expect(result).toMatchObject({ ok: false, reason: 'invalid_reply', status: 200 });
    expect(result.ok === false && result.message).toContain('choices: expected array');
    const models = await fetchModels(openai, simulatedEndpoint(sim, 'main', KEY), ample());
    expect(models).toMatchObject({ ok: false, reason: 'invalid_reply' });
  });

  it('too_large for a body over the cap, cut while reading (default cap and a small one)', async () => {
    sim.setMode('main', 'huge');
    expect(await call()).toMatchObject({ ok: false, reason: 'too_large' });
    sim.setMode('main', 'huge', { huge_bytes: 200_000 });
    expect(await call(ample(), 64 * 1024)).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('keeps a transcript of a failed generation for the debug endpoint', async () => {
    sim.setMode('main', 'server_error');
    const result = await call();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.transcript?.request.url).toBe(`${sim.baseUrl('main')}/chat/completions`);
      expect(result.transcript?.response?.status).toBe(500);
      expect(result.transcript?.response?.body).toContain('server_error');
    }
  });
});
