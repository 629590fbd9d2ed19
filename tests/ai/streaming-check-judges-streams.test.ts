import type { ValidationRun } from '../../src/ai/run-history';
import { STREAM_STYLES } from '../../src/ai/stream-check';
import type { SimProviderSpec } from '../../src/simulator/types';
import { aiSection, envFor, inBatches, moduleHarness, simSpec, withSimulator, type ModuleHarness } from './helpers/ai-harness';

const RUNS = 6;
/** A model writing 50 tokens a second, as hosted models do: its chunks spread over about a second. */
const LIVE: SimProviderSpec['options'] = { latency_ms: [80, 250], per_token_ms: 20 };
/** Every run streams (the default pace is one in 4; ./streaming-check-runs-on-its-pace-by-default.test.ts). */
const streaming = (specs: readonly SimProviderSpec[]): Record<string, unknown> => Object.fromEntries(specs.map((spec) => [spec.id, { stream_every: 1 }]));
const kind = (run: ValidationRun): string => `${run.result.result}${'reason' in run.result ? `/${run.result.reason}` : ''}`;

async function runs(h: ModuleHarness, id: string): Promise<ValidationRun[]> {
  const out: ValidationRun[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const report = await h.module.runLadderOnce(id);
    if (report?.validation) out.push(report.validation);
  }
  return out;
}

describe('the streaming check', () => {
  it('passes a live stream in every style that streams and records time to first token and inter-chunk gaps', async () => {
    const specs = STREAM_STYLES.map((style) => simSpec(`stream_${style}`, style, 'honest', `${style}-sim-model`, LIVE));
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs, { providers: streaming(specs) }), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => runs(h, (specs[index] as SimProviderSpec).id));
      h.module.beforeScrape();
      const scrape = await h.bundle.registries['ai-providers'].metrics();
      specs.forEach((spec, index) => {
        const done = all[index] ?? [];
        expect({ id: spec.id, runs: done.map(kind) }).toEqual({ id: spec.id, runs: Array(RUNS).fill('validated') });
        expect(done.every((run) => run.verdicts.stream?.ok === true && /content chunks over/.test(run.verdicts.stream.detail))).toBe(true);
        // Two calls per run: the plain one and the streamed one, which asked for a stream.
        const calls = sim.requests(spec.id, 'generation');
        expect(calls).toHaveLength(2 * RUNS);
        if (spec.style === 'gemini') expect(calls.filter((call) => call.path.endsWith(':streamGenerateContent'))).toHaveLength(RUNS);
        expect(h.module.validationHistory(spec.id)?.[0]?.verdicts.stream?.detail).toMatch(/^\d+ content chunks over \d+ ms, first after \d+ ms$/);
        expect(scrape).toContain(`amas_ai_time_to_first_token_seconds_count{provider="${spec.id}",model="${spec.model}"} ${RUNS}`);
        expect(scrape).toMatch(new RegExp(`amas_ai_time_per_output_chunk_seconds_count\\{provider="${spec.id}",model="${spec.model}"\\} [1-9]\\d*`));
      });
    });
  }, 60_000);

  it('flags a stream flushed in one burst after a pause, and a plain JSON body sent to a streaming request, in every style', async () => {
    const specs = STREAM_STYLES.flatMap((style) => [
      simSpec(`burst_${style}`, style, 'stream_burst', `${style}-sim-model`, LIVE),
      simSpec(`json_${style}`, style, 'stream_json', `${style}-sim-model`, LIVE),
    ]);
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs, { providers: streaming(specs) }), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => runs(h, (specs[index] as SimProviderSpec).id));
      specs.forEach((spec, index) => {
        const done = all[index] ?? [];
        expect({ id: spec.id, runs: done.map(kind) }).toEqual({ id: spec.id, runs: Array(RUNS).fill('fake_ai_detected/stream') });
        const detail = done[0]?.result.detail ?? '';
        expect({ id: spec.id, detail }).toEqual({ id: spec.id, detail: expect.stringMatching(spec.mode === 'stream_burst' ? /content chunks arrived within .* ms of silence/ : /plain JSON body, not an event stream/) });
        // The plain call of the same run was honest: only the stream gives the fake away.
        expect(done.every((run) => run.verdicts.answer?.ok === true && run.verdicts.envelope?.ok === true)).toBe(true);
        expect(h.module.providers().find((p) => p.id === spec.id)?.status.status).toBe('fake_ai');
      });
    });
  }, 60_000);

  it('is off with stream: false: one plain call per run, the burst goes unseen', async () => {
    const spec = simSpec('plain_openai', 'openai', 'stream_burst', 'gpt-sim', LIVE);
    await withSimulator([spec], async (sim) => {
      const h = await moduleHarness(aiSection(sim, [spec], { stream: false }), envFor([spec]));
      const done = await runs(h, 'plain_openai');
      expect(done.map(kind)).toEqual(Array(RUNS).fill('validated'));
      expect(sim.requests('plain_openai', 'generation')).toHaveLength(RUNS);
    });
  });
});
