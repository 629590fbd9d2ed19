import type { ValidationRun } from '../../src/ai/run-history';
import { API_STYLES, type ApiStyle } from '../../src/ai/types';
import { FAKE_MODES } from '../../src/simulator/modes';
import type { Simulator } from '../../src/simulator/server';
import type { FakeMode, SimProviderSpec } from '../../src/simulator/types';
import { aiSection, envFor, inBatches, LOCAL_TIMING, moduleHarness, simSpec, withSimulator, type ModuleHarness } from './helpers/ai-harness';

/** Validation runs per provider: every style/mode pair gets this many. */
const RUNS = 50;
/**
 * Honest delays: far above the test's latency floor (a shared two-core machine running other
 * suites was measured to stretch an instant local reply to 80..140 ms), spread over 350 ms so an
 * honest series never looks like a fixed sleep.
 */
const HONEST_LATENCY: [number, number] = [250, 600];
/**
 * The latency floor for these local providers: an order of magnitude above the instant fake's own
 * 0..5 ms and well below the honest 250 ms, so machine load on either side does not cross it.
 */
const TIMING = { validators: { timing: { ...LOCAL_TIMING, min_latency_ms: 150 } } };
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
      const h = await moduleHarness(aiSection(sim, specs, { ...TIMING, providers: reasoningOverrides(specs) }), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => validationRuns(h, (specs[index] as SimProviderSpec).id));
      let recovering = 0;
      specs.forEach((spec, index) => {
        const runs = all[index] as ValidationRun[];
        expect(runs).toHaveLength(RUNS);
        // The simulator's thread shares this machine's two cores with the other suites; when it is
        // starved, replies due meanwhile go out together and honest latencies read flat. Each reply
        // records how late it went out: a timing flag whose window (the last 16 replies) holds a
        // reply sent over 50 ms late is the harness's doing, not the provider's, and is set aside.
        const late = sim.requests(spec.id, 'generation').map((record) => record.lateMs ?? 0);
        const harnessStarved = (i: number): boolean => late.slice(Math.max(0, i - 15), i + 1).some((ms) => ms > 50);
        const flagged = runs.map((run, i) => ({ run, i })).filter(({ run }) => run.result.result !== 'validated');
        const setAside = flagged.filter(({ run, i }) => run.result.result === 'fake_ai_detected' && run.result.reason === 'timing' && harnessStarved(i));
        const bad = flagged.filter((entry) => !setAside.includes(entry)).map(({ run, i }) => describeRun(run, i));
        expect({ provider: spec.id, bad }).toEqual({ provider: spec.id, bad: [] });
        expect(setAside.length).toBeLessThanOrEqual(RUNS / 4);
        if (setAside.some(({ i }) => i >= RUNS - 4)) recovering += 1;
      });
      // Every honest provider ends healthy (but one set aside just now, still inside its clean streak), and /health agrees.
      const health = h.module.health().ai_providers as { total_configured: number; healthy: number; failed: number };
      expect(health.total_configured).toBe(specs.length);
      expect(health.healthy).toBeGreaterThanOrEqual(specs.length - recovering);
      expect(health.failed).toBeLessThanOrEqual(recovering);
    });
  }, 120_000);

  const fakePairs = (modes: readonly FakeMode[]): { spec: SimProviderSpec; mode: FakeMode }[] =>
    API_STYLES.flatMap((style) =>
      modes
        .filter((mode) => FAKE_MODES[mode].styles.includes(style))
        .map((mode) => ({ mode, spec: simSpec(id(style, mode), style, mode, `${style}-sim-model`, { latency_ms: HONEST_LATENCY, ...(mode === 'constant_latency' ? { delay_ms: 250, jitter_ms: 8 } : {}), ...(mode === 'instant' ? { jitter_ms: 5, stall_ms: 120, stall_every: 7 } : {}) }) })),
    );

  /** Calls before a mode can show: the simulator's minimum, or the timing window for a latency series. */
  const warmUp = (mode: FakeMode): number => FAKE_MODES[mode].minCalls;

  function expectAlwaysFlagged(pairs: readonly { spec: SimProviderSpec; mode: FakeMode }[], all: readonly ValidationRun[][], h: ModuleHarness): void {
    pairs.forEach(({ spec, mode }, index) => {
      const runs = all[index] as ValidationRun[];
      expect(runs).toHaveLength(RUNS);
      const expected: readonly string[] = FAKE_MODES[mode].reasons;
      const judged = runs.map((run, i) => ({ run, i })).filter(({ i }) => i >= warmUp(mode) - 1);
      // A run measured while this exporter was starved of CPU is not judged by the timing series
      // rules (its latency says nothing about the provider); the status stays flagged meanwhile.
      const starved = judged.filter(({ run }) => run.result.result === 'validated' && /CPU starvation/.test(run.verdicts.timing?.detail ?? ''));
      const missed = judged
        .filter(({ run }) => !(run.result.result === 'fake_ai_detected' && expected.includes(run.result.reason)))
        .filter((entry) => !starved.includes(entry))
        .map(({ run, i }) => describeRun(run, i));
      expect({ provider: spec.id, missed }).toEqual({ provider: spec.id, missed: [] });
      expect(starved.length).toBeLessThanOrEqual(Math.floor(judged.length / 4));
      const status = h.module.providers().find((p) => p.id === spec.id)?.status;
      expect({ provider: spec.id, status: status?.status }).toEqual({ provider: spec.id, status: 'fake_ai' });
    });
  }

  it(`flags every content and envelope fake mode with its reason, ${RUNS} runs per style and mode`, async () => {
    const everyRun = (mode: FakeMode): boolean => FAKE_MODES[mode].everyRun !== false && FAKE_MODES[mode].streaming !== true;
    const pairs = fakePairs((Object.keys(FAKE_MODES) as FakeMode[]).filter((mode) => !TIMING_MODES.includes(mode) && everyRun(mode)));
    const specs = pairs.map((pair) => pair.spec);
    await withSimulator(specs, async (sim) => {
      // This test is about content and envelope reasons, and runs ~60 providers at once. On a shared
      // two-core machine under other suites' load, that many replies in flight were once read back
      // squeezed into a flat series (461 ms ± 9.8 %), which the flat-latency rule reports as timing and
      // which outranks wrong_answer. Timing is judged by the tests below, one provider at a time.
      const content = { validators: { timing: { ...TIMING.validators.timing, flat_dispersion: 0 } } };
      const h = await moduleHarness(aiSection(sim, specs, content), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => validationRuns(h, (specs[index] as SimProviderSpec).id));
      expectAlwaysFlagged(pairs, all, h);
      h.module.beforeScrape();
      const scrape = await h.bundle.registries['ai-providers'].metrics();
      expect(scrape).toMatch(/amas_provider_fake_ai_detected_total\{provider="canned_openai",reason="template"\} 50/);
      expect(scrape).toMatch(/amas_provider_health\{provider="canned_openai",status="fake_ai"\} 0/);
    });
  }, 120_000);

  it(`flags instant and constant-latency providers by timing, ${RUNS} runs per style (one provider at a time)`, async () => {
    const pairs = fakePairs(TIMING_MODES);
    const specs = pairs.map((pair) => pair.spec);
    await withSimulator(specs, async (sim: Simulator) => {
      const h = await moduleHarness(aiSection(sim, specs, TIMING), envFor(specs));
      // One at a time: other providers' traffic would add noise to the latencies being judged.
      const all = await inBatches(specs.length, 1, (index) => validationRuns(h, (specs[index] as SimProviderSpec).id));
      expectAlwaysFlagged(pairs, all, h);
    });
  }, 180_000);
});
