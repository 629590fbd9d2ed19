import { adapterFor } from '../../src/ai/adapters/registry';
import { fetchModels, generate } from '../../src/ai/provider-client';
import { API_STYLES, type ApiStyle } from '../../src/ai/types';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { FAILURE_MODES, HONEST_MODES } from '../../src/simulator/types';
import { freePort } from '../helpers/ports';
import { ample, challengeSpec, freshChallenge, simulatedEndpoint } from '../helpers/simulated-provider';

/** A planted key: if it shows up in anything returned, the test fails. */
const PLANTED = 'sk-PLANTED-5e3f9a1c7b2d4e6f8091a2b3c4d5e6f7';
/** The header each style's real API reads the key from. */
const KEY_HEADER: Record<ApiStyle, string> = { openai: 'authorization', gemini: 'x-goog-api-key', cohere: 'authorization', anthropic: 'x-api-key', ollama: 'authorization' };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ providers: API_STYLES.map((style) => ({ id: style, style, model: `model-${style}`, api_key: PLANTED })) });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('the key travels only in the header the provider requires', () => {
  it.each(API_STYLES)('%s: models list and generation carry it in that header alone', async (style) => {
    const endpoint = simulatedEndpoint(sim, style, PLANTED, { 'X-Title': 'AMAS' });
    expect(await fetchModels(adapterFor(style), endpoint, ample())).toMatchObject({ ok: true });
    expect(await generate(adapterFor(style), endpoint, challengeSpec(freshChallenge()), ample())).toMatchObject({ ok: true });
    const records = sim.requests(style);
    expect(records.map((record) => record.kind)).toEqual(['models', 'generation']);
    for (const record of records) expect(record.keyFoundIn).toEqual([KEY_HEADER[style]]);
  });
});

describe('no returned value ever contains the key', () => {
  const modes = [...HONEST_MODES, ...FAILURE_MODES.filter((mode) => !['slow', 'trickle', 'endless'].includes(mode))];

  it.each(API_STYLES)('%s: success and every failure mode, models list and generation, messages and transcripts', async (style) => {
    const endpoint = simulatedEndpoint(sim, style, PLANTED);
    for (const mode of modes) {
      sim.setMode(style, mode, { huge_bytes: 100_000 });
      const results = [
        await fetchModels(adapterFor(style), endpoint, ample(), { maxBodyBytes: 50_000 }),
        await generate(adapterFor(style), endpoint, challengeSpec(freshChallenge()), ample(), { maxBodyBytes: 50_000 }),
      ];
      for (const result of results) expect(JSON.stringify(result)).not.toContain(PLANTED);
    }
  });

  it('timeouts and network failures name no key either', async () => {
    sim.setMode('openai', 'slow', { delay_ms: 20_000 });
    const port = await freePort();
    const results = [
      await generate(adapterFor('openai'), simulatedEndpoint(sim, 'openai', PLANTED), challengeSpec(freshChallenge()), AbortSignal.timeout(200)),
      await generate(adapterFor('openai'), { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: PLANTED, model: 'm', headers: {} }, challengeSpec(freshChallenge()), ample()),
      // A key in the URL (a misconfiguration) is still kept out of messages: query strings are stripped.
      await fetchModels(adapterFor('gemini'), { baseUrl: `http://127.0.0.1:${port}/v1beta?key=${PLANTED}`, apiKey: PLANTED, model: 'm', headers: {} }, ample()),
    ];
    expect(results.map((result) => result.ok)).toEqual([false, false, false]);
    for (const result of results) expect(JSON.stringify(result)).not.toContain(PLANTED);
  });

  it('a key with a line break is refused before sending, without quoting it', async () => {
    const broken = `${PLANTED}\n`;
    const result = await generate(adapterFor('openai'), simulatedEndpoint(sim, 'openai', broken), challengeSpec(freshChallenge()), ample());
    expect(result).toMatchObject({ ok: false, reason: 'auth' });
    expect(JSON.stringify(result)).not.toContain(PLANTED);
    expect(sim.requests('openai')).toHaveLength(0);
  });

  it('the transcript shows which auth header was sent, redacted', async () => {
    const result = await generate(adapterFor('anthropic'), simulatedEndpoint(sim, 'anthropic', PLANTED), challengeSpec(freshChallenge()), ample());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.transcript.request.headers['x-api-key']).toBe('[redacted]');
      expect(result.transcript.request.headers['anthropic-version']).toBe('2023-06-01');
      expect(result.transcript.response?.status).toBe(200);
    }
  });
});
