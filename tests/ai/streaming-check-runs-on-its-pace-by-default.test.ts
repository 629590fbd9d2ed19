import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ValidationRun } from '../../src/ai/run-history';
import type { SimProviderSpec } from '../../src/simulator/types';
import { aiSection, envFor, moduleHarness, simSpec, withSimulator, type ModuleHarness } from './helpers/ai-harness';

// The streaming check with the shipped defaults (no `stream` key anywhere): one validation in 4
// streams, counted over the provider's history; a provider flagged for its stream streams every
// run until it is cleared; a style without a streaming API never streams.
const RUNS = 10;
const LIVE: SimProviderSpec['options'] = { latency_ms: [80, 200], per_token_ms: 15 };
const kind = (run: ValidationRun): string => `${run.result.result}${'reason' in run.result ? `/${run.result.reason}` : ''}`;

async function validations(h: ModuleHarness, id: string, runs: number): Promise<ValidationRun[]> {
  const out: ValidationRun[] = [];
  for (let index = 0; index < runs; index += 1) {
    const report = await h.module.runLadderOnce(id);
    if (report?.validation) out.push(report.validation);
  }
  return out;
}

const streamedRuns = (runs: readonly ValidationRun[]): number[] => runs.flatMap((run, i) => (run.verdicts.stream ? [i + 1] : []));

describe('the streaming check by default', () => {
  it('streams on every 4th validation of an honest provider, never for a style without streams, and passes', async () => {
    const specs = [simSpec('paced_openai', 'openai', 'honest', 'gpt-4o', LIVE), simSpec('paced_ollama', 'ollama', 'honest', 'llama3.2', LIVE)];
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs), envFor(specs));
      const openai = await validations(h, 'paced_openai', RUNS);
      expect(openai.map(kind)).toEqual(Array(RUNS).fill('validated'));
      expect(streamedRuns(openai)).toEqual([4, 8]);
      expect(openai.filter((run) => run.verdicts.stream).every((run) => /content chunks over/.test(run.verdicts.stream?.detail ?? ''))).toBe(true);
      expect(sim.requests('paced_openai', 'generation')).toHaveLength(RUNS + 2);
      const ollama = await validations(h, 'paced_ollama', 5);
      expect(streamedRuns(ollama)).toEqual([]);
      expect(sim.requests('paced_ollama', 'generation')).toHaveLength(5);
    });
  }, 60_000);

  it('a stream fake is flagged on its first streamed run and then streams, and stays flagged, every run', async () => {
    const specs = [simSpec('burst_anthropic', 'anthropic', 'stream_burst', 'claude-sonnet-4-5', LIVE)];
    await withSimulator(specs, async (sim) => {
      const h = await moduleHarness(aiSection(sim, specs), envFor(specs));
      const runs = await validations(h, 'burst_anthropic', 8);
      expect(runs.map(kind)).toEqual([...Array(3).fill('validated'), ...Array(5).fill('fake_ai_detected/stream')]);
      expect(streamedRuns(runs)).toEqual([4, 5, 6, 7, 8]);
      expect(sim.requests('burst_anthropic', 'generation')).toHaveLength(8 + 5);
      const health = h.module.health().ai_providers as { healthy: number; failed: number };
      expect(health).toMatchObject({ healthy: 0, failed: 1 });
      expect(h.module.health().checks.find((check) => check.name === 'ai_provider_burst_anthropic')).toMatchObject({ status: 'fail', provider_status: 'fake_ai' });
    });
  }, 60_000);

  it('the pace survives a new process on the same history, and stream: false turns it off', async () => {
    const specs = [simSpec('resumed_gemini', 'gemini', 'honest', 'gemini-2.5-flash', LIVE), simSpec('off_cohere', 'cohere', 'honest', 'command-r', LIVE)];
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-stream-pace-'));
    try {
      await withSimulator(specs, async (sim) => {
        // Both modules keep their history in one state file, as a restarted exporter does.
        const section = aiSection(sim, specs, { state_path: path.join(dir, 'validation-state.json'), providers: { off_cohere: { stream: false } } });
        const first = await moduleHarness(section, envFor(specs));
        expect(streamedRuns(await validations(first, 'resumed_gemini', 2))).toEqual([]);
        const second = await moduleHarness(section, envFor(specs));
        expect(streamedRuns(await validations(second, 'resumed_gemini', 2))).toEqual([2]);
        expect(streamedRuns(await validations(first, 'off_cohere', 8))).toEqual([]);
        expect(sim.requests('off_cohere', 'generation')).toHaveLength(8);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
