import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LadderReport } from '../../src/ai/ladder';
import type { ValidationRun } from '../../src/ai/run-history';
import { renderReport } from '../../src/cli/lib/ladder-report';
import type { Terminal } from '../../src/cli/lib/terminal';
import { API_STYLES, type ApiStyle } from '../../src/ai/types';
import type { SimProviderSpec } from '../../src/simulator/types';
import { writeTempConfig } from '../helpers/exporter';
import { runCli } from '../cli/run-cli';
import { aiSection, envFor, inBatches, moduleHarness, simSpec, withSimulator, yamlFor, type ModuleHarness } from './helpers/ai-harness';

const kind = (run: ValidationRun | null | undefined): string => (run ? `${run.result.result}${'reason' in run.result ? `/${run.result.reason}` : ''}` : 'none');
/**
 * Honest delays spread over 300 ms: on a shared, overloaded machine the simulator's thread can be
 * starved for a while, which squeezes a narrow spread of honest latencies into a flat series the
 * timing validator would rightly call a fixed delay (seen once with 60..200 ms).
 */
const FAST: SimProviderSpec['options'] = { latency_ms: [150, 450], per_token_ms: 3 };

/** Runs the ladder `count` times and returns, per run, the run's kind and the status after it. */
async function series(h: ModuleHarness, id: string, count: number): Promise<{ run: string; status: string; reason: string }[]> {
  const out: { run: string; status: string; reason: string }[] = [];
  for (let index = 0; index < count; index += 1) {
    const report = await h.module.runLadderOnce(id);
    out.push({ run: kind(report?.validation), status: report?.status.status ?? 'none', reason: report?.status.reason ?? 'none' });
  }
  return out;
}

// Runs are sequential and honest delays reach 450 ms: a loaded machine needs more than the default 30 s.
jest.setTimeout(90_000);

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const stateFile = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-verdicts-'));
  tempDirs.push(dir);
  return path.join(dir, 'state', 'ai-state.json');
};

describe('sticky fake-AI verdicts', () => {
  it('keep an intermittent fake at fake_ai with a stable reason in every style, and say how often and since when', async () => {
    const specs = API_STYLES.map((style) => simSpec(`intermittent_${style}`, style, 'intermittent', `${style}-sim-model`, FAST));
    await withSimulator(specs, async (sim) => {
      // The fake answers honestly on some calls: the streaming check's extra call would shift which.
      const h = await moduleHarness(aiSection(sim, specs, { stream: false }), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => series(h, (specs[index] as SimProviderSpec).id, 12));
      specs.forEach((spec, index) => {
        const runs = all[index] ?? [];
        // Every other reply is honest, yet the status never leaves fake_ai and keeps its reason.
        expect({ id: spec.id, runs: runs.map((r) => r.run) }).toEqual({ id: spec.id, runs: runs.map((_r, i) => (i % 2 === 0 ? 'fake_ai_detected/template' : 'validated')) });
        expect({ id: spec.id, statuses: [...new Set(runs.map((r) => `${r.status}/${r.reason}`))] }).toEqual({ id: spec.id, statuses: ['fake_ai/template'] });
      });
      const check = (h.module.health().checks as unknown as readonly { name: string; fake_ai?: Record<string, unknown> }[]).find((c) => c.name === 'ai_provider_intermittent_openai');
      expect(check?.fake_ai).toMatchObject({ flagged: true, reason: 'template', runs_in_window: 6, window_runs: 12, clean_streak: 1, clear_after: 3 });
      expect(Date.parse(String(check?.fake_ai?.since))).toBeLessThanOrEqual(Date.now());
      // The status page reads the same history (providers()[].fakeAi) and shows the status message.
      const provider = h.module.providers().find((p) => p.id === 'intermittent_openai');
      expect(provider?.fakeAi).toEqual(check?.fake_ai);
      expect(provider?.status.message).toMatch(/^fake AI detected \(template\) since \d{4}-\d\d-\d\dT[^:]+:\d\d:\d\d\.\d+Z: 6 of the last 12 validations; 1 of 3 clean validations needed to clear it$/);
      // The debug report (`test-provider`) says the same.
      const report = await h.module.runLadderOnce('intermittent_openai');
      const text = renderReport(report as LadderReport, { interactive: false, canAsk: false, colour: false, columns: 100 } satisfies Terminal, h.secrets);
      expect(text).toMatch(/^Fake AI: 7 of the last 13 validations; flagged since \S+Z \(template\), 0 of 3 clean runs to clear$/m);
      h.module.beforeScrape();
      const scrape = await h.bundle.registries['ai-providers'].metrics();
      expect(scrape).toContain('amas_provider_fake_ai_recent_runs{provider="intermittent_openai"} 7');
      // The raw per-run counter is unchanged: one count per fake run.
      expect(scrape).toContain('amas_provider_fake_ai_detected_total{provider="intermittent_openai",reason="template"} 7');
    });
  });

  it('clear after exactly clear_after clean validations in a row', async () => {
    const spec = simSpec('recovering', 'anthropic', 'canned', 'claude-sim', FAST);
    await withSimulator([spec], async (sim) => {
      const h = await moduleHarness(aiSection(sim, [spec], { verdict: { clear_after: 4 } }), envFor([spec]));
      expect((await series(h, 'recovering', 2)).map((r) => r.status)).toEqual(['fake_ai', 'fake_ai']);
      sim.setMode('recovering', 'honest', FAST);
      const after = await series(h, 'recovering', 5);
      expect(after.map((r) => `${r.run}:${r.status}`)).toEqual(['validated:fake_ai', 'validated:fake_ai', 'validated:fake_ai', 'validated:healthy', 'validated:healthy']);
      expect(h.module.providers()[0]?.fakeAi).toMatchObject({ flagged: false, runs_in_window: 2, window_runs: 7 });
    });
  });
});

describe('rate limits are not failures', () => {
  const styles: readonly ApiStyle[] = API_STYLES;

  it('an honest provider with occasional 429s (no Retry-After) is degraded on them, never failed, and its circuit never opens', async () => {
    const specs = styles.map((style) => simSpec(`limited_${style}`, style, 'occasional_429', `${style}-sim-model`, { ...FAST, every: 2, retry_after: 'none' }));
    await withSimulator(specs, async (sim) => {
      // Every 4th call is a 429: the streaming check's extra call would shift which runs get one.
      const h = await moduleHarness(aiSection(sim, specs, { circuit: { failure_threshold: 2 }, stream: false }), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => series(h, (specs[index] as SimProviderSpec).id, 8));
      specs.forEach((spec, index) => {
        const runs = all[index] ?? [];
        expect({ id: spec.id, runs: runs.map((r) => `${r.run}:${r.status}`) }).toEqual({
          id: spec.id,
          runs: runs.map((_r, i) => (i % 2 === 0 ? 'validated:healthy' : 'error/rate_limited:degraded')),
        });
        // Every second call was refused; none was held back by an open circuit.
        expect(sim.requests(spec.id, 'generation')).toHaveLength(8);
      });
      h.module.beforeScrape();
      expect(await h.bundle.registries['ai-providers'].metrics()).toContain('amas_provider_circuit_state{provider="limited_cohere"} 0');
    });
  });

  it('a 429 with Retry-After in each style defers the next call without opening the circuit', async () => {
    const specs = styles.map((style) => simSpec(`wait_${style}`, style, 'occasional_429', `${style}-sim-model`, { ...FAST, every: 2, retry_after: 3600 }));
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs), envFor(specs));
      const all = await inBatches(specs.length, specs.length, (index) => series(h, (specs[index] as SimProviderSpec).id, 4));
      specs.forEach((spec, index) => {
        expect({ id: spec.id, runs: (all[index] ?? []).map((r) => `${r.run}:${r.status}/${r.reason}`) }).toEqual({
          id: spec.id,
          runs: ['validated:healthy/validated', 'error/rate_limited:degraded/rate_limited', 'skipped/rate_limited:degraded/rate_limited', 'skipped/rate_limited:degraded/rate_limited'],
        });
        expect(sim.requests(spec.id, 'generation')).toHaveLength(2);
      });
    });
  });
});

describe('validation history shared by restarts and the CLI', () => {
  it('a fresh process on the same state file judges with the same history: replay stays replay beyond the window', async () => {
    const spec = simSpec('replayer', 'openai', 'replay', 'gpt-sim', FAST);
    const file = stateFile();
    await withSimulator([spec], async (sim) => {
      // A small replay window: the first challenge leaves it after 4 runs, the Bloom filter keeps it.
      const ai = aiSection(sim, [spec], { state_path: file, replay_window: 4 });
      const first = await moduleHarness(ai, envFor([spec]));
      const before = await series(first, 'replayer', 10);
      expect(before.slice(1).map((r) => r.run)).toEqual(Array(9).fill('fake_ai_detected/replay'));
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { providers: Record<string, { entries: unknown[] }> };
      expect(saved.providers.replayer?.entries).toHaveLength(10);

      // A restart (or `test-provider`): new module, same file. It knows the verdict before calling...
      const second = await moduleHarness(ai, envFor([spec]));
      const again = await series(second, 'replayer', 3);
      expect(again.map((r) => `${r.run}:${r.status}/${r.reason}`)).toEqual(Array(3).fill('fake_ai_detected/replay:fake_ai/replay'));
      expect(second.module.providers()[0]?.fakeAi).toMatchObject({ flagged: true, runs_in_window: 12, window_runs: 13 });
      // ...and the first process adopts what the second one wrote before its next run.
      const report = await first.module.runLadderOnce('replayer');
      expect(report?.fakeAi.window_runs).toBe(14);
    });
  });

  it('the CLI test-provider, a separate process, reports the server\'s verdict and reason from the state file', async () => {
    const spec = simSpec('replayer_cli', 'openai', 'replay', 'gpt-sim', FAST);
    const file = stateFile();
    await withSimulator([spec], async (sim) => {
      const ai = aiSection(sim, [spec], { state_path: file, replay_window: 4 });
      const server = await moduleHarness(ai, envFor([spec]));
      await series(server, 'replayer_cli', 8);
      const config = writeTempConfig(yamlFor(ai));
      const run = await runCli(['test-provider', 'replayer_cli', '--json', '--config', config], { env: envFor([spec]) });
      expect({ code: run.code, stderr: run.stderr.slice(0, 600) }).toEqual({ code: 1, stderr: '' });
      const report = JSON.parse(run.stdout) as { validation: { result: { result: string; reason: string } }; status: { status: string; reason: string }; fakeAi: { window_runs: number; runs_in_window: number } };
      // Without the file, a fresh process would see its first challenge and no replay at all.
      expect({ result: report.validation.result, status: report.status.status, reason: report.status.reason }).toMatchObject({ result: { result: 'fake_ai_detected', reason: 'replay' }, status: 'fake_ai', reason: 'replay' });
      expect(report.fakeAi).toMatchObject({ window_runs: 9, runs_in_window: 8 });
      expect(run.code).toBe(1);
      // And the server adopts the CLI's run before its own next one.
      expect((await server.module.runLadderOnce('replayer_cli'))?.fakeAi.window_runs).toBe(10);
    });
  });

  it('an unreadable state file is reported with its path, counted, and judging goes on from memory', async () => {
    const spec = simSpec('survivor', 'gemini', 'honest', 'gemini-sim', FAST);
    const file = stateFile();
    await withSimulator([spec], async (sim) => {
      const h = await moduleHarness(aiSection(sim, [spec], { state_path: file }), envFor([spec]));
      await series(h, 'survivor', 1);
      writeFileSync(file, '{"version": 1, "providers": ');
      expect((await series(h, 'survivor', 1))[0]?.run).toBe('validated');
      expect(h.logLines().some((line) => line.includes(file) && line.includes('not valid'))).toBe(true);
      h.module.beforeScrape();
      expect(await h.bundle.registries['ai-providers'].metrics()).toMatch(/amas_ai_state_file_errors_total 1\b/);
      // The next write repaired the file.
      expect(JSON.parse(readFileSync(file, 'utf8')).providers.survivor.entries).toHaveLength(2);
    });
  });
});

describe('no silent zero cost', () => {
  it('warns at load and marks the cost unknown for a provider without a price; a configured price clears it', async () => {
    const spec = simSpec('lab_vllm', 'openai', 'honest', 'qwen2.5-7b-instruct', FAST);
    await withSimulator([spec], async (sim) => {
      const ai = aiSection(sim, [spec]);
      const h = await moduleHarness(ai, envFor([spec]));
      expect(h.logLines().some((line) => line.includes('no price known') && line.includes('lab_vllm') && line.includes('price_usd_per_million_tokens'))).toBe(true);
      await series(h, 'lab_vllm', 1);
      h.module.beforeScrape();
      const scrape = await h.bundle.registries['ai-providers'].metrics();
      expect(scrape).toContain('amas_ai_cost_unknown{provider="lab_vllm",model="qwen2.5-7b-instruct"} 1');

      await h.configure({ ...ai, prices: { 'qwen2.5-7b-instruct': { input: 0.2, output: 0.6 } } });
      await series(h, 'lab_vllm', 1);
      h.module.beforeScrape();
      const priced = await h.bundle.registries['ai-providers'].metrics();
      expect(priced).not.toContain('amas_ai_cost_unknown{provider="lab_vllm"');
      expect(priced).toMatch(/amas_ai_cost_usd_total\{provider="lab_vllm"\} [0-9.e-]+/);
    });
  });
});
