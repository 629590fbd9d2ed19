import { exchange } from '../../src/lib/http-exchange';
import type { ValidationRun } from '../../src/ai/run-history';
import type { SimProviderSpec } from '../../src/simulator/types';
import { aiSection, envFor, inBatches, keyFor, moduleHarness, simSpec, withSimulator } from './helpers/ai-harness';

/** Blocks this thread, as a long garbage collection or a module compiled on first use does. */
const stallFor = (ms: number): void => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy on purpose
  }
};

describe('simulated providers keep their own clock while the test loop stalls', () => {
  it('a reply due during a stall of this thread arrives on time (the simulator has its own thread)', async () => {
    const spec = simSpec('steady', 'openai', 'honest', 'gpt-sim', { latency_ms: [20, 40], per_token_ms: 0 });
    await withSimulator([spec], async (sim) => {
      const pending = exchange({
        url: `${sim.baseUrl('steady')}/chat/completions`,
        method: 'POST',
        headers: { authorization: `Bearer ${keyFor('steady')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-sim', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 20 }),
        timeoutMs: 30_000,
        maxBodyBytes: 1_048_576,
      });
      stallFor(2_000);
      const result = await pending;
      expect(result.ok).toBe(true);
      // Measured on the exchange worker's clock: tens of ms, not the 2 s this thread was blocked.
      expect(result.timings.totalMs).toBeLessThan(1_000);
    });
  });

  it('never flags honest providers, and still flags a fixed delay, while this thread stalls again and again', async () => {
    const honest = { latency_ms: [60, 400] as [number, number] };
    const specs: SimProviderSpec[] = [
      simSpec('think_tags_openai', 'openai', 'reasoning', 'openai-sim-thinker', { ...honest, think_tags: true }),
      simSpec('honest_anthropic', 'anthropic', 'honest', 'claude-sim', honest),
      simSpec('honest_gemini', 'gemini', 'honest', 'gemini-sim', honest),
      simSpec('constant_latency_openai', 'openai', 'constant_latency', 'gpt-sim', { ...honest, delay_ms: 100, jitter_ms: 8 }),
    ];
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs, { providers: { think_tags_openai: { reasoning: true } } }), envFor(specs));
      // 400 ms stalls with 100 ms between them: an in-process simulator would deliver every reply at a stall's end.
      const staller = setInterval(() => stallFor(400), 100);
      let all: ValidationRun[][];
      try {
        all = await inBatches(specs.length, specs.length, async (index) => {
          const runs: ValidationRun[] = [];
          for (let run = 0; run < 18; run += 1) {
            const report = await h.module.runLadderOnce((specs[index] as SimProviderSpec).id);
            if (report?.validation) runs.push(report.validation);
          }
          return runs;
        });
      } finally {
        clearInterval(staller);
      }
      const kinds = (runs: readonly ValidationRun[]): string[] => runs.map((run) => `${run.result.result}${'reason' in run.result ? `/${run.result.reason}: ${run.result.detail}` : ''}`);
      for (const index of [0, 1, 2]) {
        const bad = kinds(all[index] ?? []).filter((kind) => kind !== 'validated');
        expect({ provider: specs[index]?.id, bad }).toEqual({ provider: specs[index]?.id, bad: [] });
      }
      // The flat-latency rule needs 12 replies; from then on the fake is flagged by timing and nothing
      // else. This test's busy thread shares two cores with the exporter's exchange worker, so a
      // run now and then is measured with noise (or while the worker was starved, then not judged
      // by the series rules): most runs are flagged, and the sticky verdict keeps it fake_ai.
      const later = (all[3] ?? []).slice(11);
      expect(later).toHaveLength(7);
      const fake = kinds(later);
      expect(fake.filter((kind) => kind !== 'validated' && !kind.startsWith('fake_ai_detected/timing'))).toEqual([]);
      // On failure the runs say why each one passed (noise, or not judged while starved).
      const flaggedRuns = fake.filter((kind) => kind.startsWith('fake_ai_detected/timing')).length;
      expect({ atLeastFive: flaggedRuns >= 5, passed: later.filter((run) => run.result.result === 'validated').map((run) => run.verdicts.timing?.detail) }).toEqual({ atLeastFive: true, passed: expect.any(Array) });
      expect(h.module.providers().find((provider) => provider.id === specs[3]?.id)?.status.status).toBe('fake_ai');
    });
  }, 120_000);
});
