import type { ValidationRun } from '../../src/ai/run-history';
import { API_STYLES, type ApiStyle } from '../../src/ai/types';
import { FAKE_MODES } from '../../src/simulator/modes';
import type { Simulator } from '../../src/simulator/server';
import type { FakeMode, SimProviderSpec } from '../../src/simulator/types';
import { aiSection, envFor, inBatches, LOCAL_TIMING, moduleHarness, simSpec, withSimulator, type ModuleHarness } from './helpers/ai-harness';

/** Validation runs per provider: every style/mode pair gets this many. */
const RUNS = 50;
/**
 * Honest delays: above the test's latency floor with a wide margin (a busy machine stretches an
 * instant reply by tens of milliseconds), spread over 340 ms so an honest series never looks like
 * a fixed sleep.
 */
const HONEST_LATENCY: [number, number] = [60, 400];
const TIMING_MODES: readonly FakeMode[] = ['instant', 'constant_latency'];

const id = (style: ApiStyle, mode: string): string => `${mode}_${style}`;

/**
 * Runs the provider's ladder once (all rungs), then its scheduled validation task RUNS-1 times
 * (the lower rungs stay fresh, as on the real schedule), and returns every validation run in order.
 */
async function validationRuns(h: ModuleHarness, providerId: string): Promise<ValidationRun[]> {
  const runs: ValidationRun[] = [];
  const first = await h.module.runLadderOnce(providerId);
  if (first?.validation) runs.push(first.validation);
  const task = h.module.tasks().find((t) => t.name === `ai_${providerId}_validation`);
  if (!task) throw new Error(`no validation task for ${providerId}`);
  for (let index = 1; index < RUNS; index += 1) {
    await task.probe.run({ signal: AbortSignal.timeout(10_000), logger: undefined as never });
    const latest = h.module.validationHistory(providerId)?.[0];
    if (latest) runs.push(latest);
  }
  return runs;
}

const describeRun = (run: ValidationRun, index: number): string =>
  `run ${index + 1}: ${run.result.result}${'reason' in run.result ? ` (${run.result.reason})` : ''}: ${run.result.detail}`;

function honestSpecs(): SimProviderSpec[] {
  return API_STYLES.flatMap((style) => [
    simSpec(id(style, 'honest'), style, 'honest', `${style}-sim-model`, { latency_ms: HONEST_LATENCY }),
    simSpec(id(style, 'reasoning'), style, 'reasoning', `${style}-sim-thinker`, { latency_ms: HONEST_LATENCY }),
    ...(style === 'openai' || style === 'ollama' ? [simSpec(id(style, 'think_tags'), style, 'reasoning', `${style}-sim-thinker`, { latency_ms: HONEST_LATENCY, think_tags: true })] : []),
  ]);
}

const reasoningOverrides = (specs: readonly SimProviderSpec[]): Record<string, unknown> =>
  Object.fromEntries(specs.filter((spec) => spec.mode === 'reasoning').map((spec) => [spec.id, { reasoning: true }]));

describe('fake-AI validation against simulated providers of every API style', () => {
  it(`never flags an honest provider or an honest reasoning model (${RUNS} runs each, every style)`, async () => {
    const specs = honestSpecs();
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs, { providers: reasoningOverrides(specs) }), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => validationRuns(h, (specs[index] as SimProviderSpec).id));
      specs.forEach((spec, index) => {
        const runs = all[index] as ValidationRun[];
        expect(runs).toHaveLength(RUNS);
        const bad = runs.map(describeRun).filter((_line, i) => (runs[i] as ValidationRun).result.result !== 'validated');
        expect({ provider: spec.id, bad }).toEqual({ provider: spec.id, bad: [] });
      });
      // Every honest provider ends healthy, and /health agrees.
      expect(h.module.health().ai_providers).toMatchObject({ total_configured: specs.length, healthy: specs.length, failed: 0 });
    });
  });

  const fakePairs = (modes: readonly FakeMode[]): { spec: SimProviderSpec; mode: FakeMode }[] =>
    API_STYLES.flatMap((style) =>
      modes
        .filter((mode) => FAKE_MODES[mode].styles.includes(style))
        .map((mode) => ({ mode, spec: simSpec(id(style, mode), style, mode, `${style}-sim-model`, { latency_ms: HONEST_LATENCY, ...(mode === 'constant_latency' ? { delay_ms: 60 } : {}) }) })),
    );

  /** Calls before a mode can show: the simulator's minimum, or the timing window for a latency series. */
  const warmUp = (mode: FakeMode): number => (mode === 'constant_latency' ? Math.max(FAKE_MODES[mode].minCalls, LOCAL_TIMING.identical_window) : FAKE_MODES[mode].minCalls);

  function expectAlwaysFlagged(pairs: readonly { spec: SimProviderSpec; mode: FakeMode }[], all: readonly ValidationRun[][], h: ModuleHarness): void {
    pairs.forEach(({ spec, mode }, index) => {
      const runs = all[index] as ValidationRun[];
      expect(runs).toHaveLength(RUNS);
      const expected: readonly string[] = FAKE_MODES[mode].reasons;
      const missed = runs
        .map((run, i) => ({ run, i }))
        .filter(({ i }) => i >= warmUp(mode) - 1)
        .filter(({ run }) => !(run.result.result === 'fake_ai_detected' && expected.includes(run.result.reason)))
        .map(({ run, i }) => describeRun(run, i));
      expect({ provider: spec.id, missed }).toEqual({ provider: spec.id, missed: [] });
      const status = h.module.providers().find((p) => p.id === spec.id)?.status;
      expect({ provider: spec.id, status: status?.status }).toEqual({ provider: spec.id, status: 'fake_ai' });
    });
  }

  it(`flags every content and envelope fake mode with its reason, ${RUNS} runs per style and mode`, async () => {
    const pairs = fakePairs((Object.keys(FAKE_MODES) as FakeMode[]).filter((mode) => !TIMING_MODES.includes(mode)));
    const specs = pairs.map((pair) => pair.spec);
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => validationRuns(h, (specs[index] as SimProviderSpec).id));
      expectAlwaysFlagged(pairs, all, h);
      h.module.beforeScrape();
      const scrape = await h.bundle.registries['ai-providers'].metrics();
      expect(scrape).toMatch(/amas_provider_fake_ai_detected_total\{provider="canned_openai",reason="template"\} 50/);
      expect(scrape).toMatch(/amas_provider_health\{provider="canned_openai",status="fake_ai"\} 0/);
    });
  });

  it(`flags instant and constant-latency providers by timing, ${RUNS} runs per style (one provider at a time)`, async () => {
    const pairs = fakePairs(TIMING_MODES);
    const specs = pairs.map((pair) => pair.spec);
    await withSimulator(specs, async (sim: Simulator) => {
      const h = await moduleHarness(aiSection(sim, specs), envFor(specs));
      // One at a time: other providers' traffic would add noise to the latencies being judged.
      const all = await inBatches(specs.length, 1, (index) => validationRuns(h, (specs[index] as SimProviderSpec).id));
      expectAlwaysFlagged(pairs, all, h);
    });
  });
});
