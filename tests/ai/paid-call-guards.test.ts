import type { ValidationRun } from '../../src/ai/run-history';
import type { Simulator } from '../../src/simulator/server';
import { waitFor } from '../helpers/exporter';
import { aiSection, envFor, keyEnvFor, moduleHarness, simSpec, withSimulator, type ModuleHarness } from './helpers/ai-harness';

const generations = (sim: Simulator, id: string): number => sim.requests(id, 'generation').length;
const kinds = (runs: readonly (ValidationRun | null | undefined)[]): string[] => runs.map((run) => (run ? `${run.result.result}${'reason' in run.result ? `/${run.result.reason}` : ''}` : 'none'));

async function ladderRuns(h: ModuleHarness, id: string, count: number): Promise<(ValidationRun | null | undefined)[]> {
  const runs: (ValidationRun | null | undefined)[] = [];
  for (let index = 0; index < count; index += 1) runs.push((await h.module.runLadderOnce(id))?.validation);
  return runs;
}

async function scrape(h: ModuleHarness): Promise<string> {
  h.module.beforeScrape();
  return h.bundle.registries['ai-providers'].metrics();
}

describe('the daily budget', () => {
  it('stops paid calls at the request limit and reports the provider unknown, not failed', async () => {
    const spec = simSpec('budgeted', 'openai');
    await withSimulator([spec], async (sim) => {
      const h = await moduleHarness(aiSection(sim, [spec], { budget: { requests: 3, tokens: null, usd: null } }), envFor([spec]));
      const runs = await ladderRuns(h, 'budgeted', 6);
      expect(generations(sim, 'budgeted')).toBe(3);
      expect(kinds(runs)).toEqual(['validated', 'validated', 'validated', 'skipped/budget', 'skipped/budget', 'skipped/budget']);
      expect(h.module.providers()[0]?.status).toMatchObject({ status: 'unknown', reason: 'budget' });
      const metrics = await scrape(h);
      expect(metrics).toContain('amas_provider_budget_spent{provider="budgeted",unit="requests"} 3');
      expect(metrics).toContain('amas_provider_budget_remaining{provider="budgeted",unit="requests"} 0');
      expect(metrics).toContain('amas_provider_validation_skipped_total{provider="budgeted",reason="budget"} 3');
      expect(metrics).toContain('amas_provider_health{provider="budgeted",status="unknown"} 0');
      // Skipped on purpose is not a failed rung: the validation rung's probe reports success.
      expect(h.store.get('ai_budgeted_validation')?.latest?.outcome.ok).toBe(true);
    });
  });

  it('keeps today’s spend across reloads, even when the provider’s config changes', async () => {
    const spec = { ...simSpec('kept', 'ollama', 'honest', 'llama-sim'), models: ['llama-sim', 'llama-sim-2'] };
    await withSimulator([spec], async (sim) => {
      const ai = aiSection(sim, [spec], { budget: { requests: 2, tokens: null, usd: null } });
      const h = await moduleHarness(ai, envFor([spec]));
      expect(kinds(await ladderRuns(h, 'kept', 2))).toEqual(['validated', 'validated']);
      await h.configure(ai);
      expect(kinds(await ladderRuns(h, 'kept', 1))).toEqual(['skipped/budget']);
      await h.configure({ ...ai, providers: { kept: { ...(ai.providers as Record<string, object>).kept, model: 'llama-sim-2' } } });
      expect(kinds(await ladderRuns(h, 'kept', 1))).toEqual(['skipped/budget']);
      expect(generations(sim, 'kept')).toBe(2);
    });
  });

  it('never lets the estimated USD spend pass its limit, even by one call', async () => {
    const spec = simSpec('pricey', 'anthropic', 'honest', 'claude-sim');
    await withSimulator([spec], async (sim) => {
      const limit = 0.3;
      const h = await moduleHarness(
        aiSection(sim, [spec], { budget: { requests: null, tokens: null, usd: limit }, prices: { 'claude-sim': { input: 1000, output: 1000 } } }),
        envFor([spec]),
      );
      const runs = await ladderRuns(h, 'pricey', 10);
      const calls = generations(sim, 'pricey');
      expect(calls).toBeGreaterThan(0);
      expect(calls).toBeLessThan(10);
      expect(kinds(runs).slice(calls)).toEqual(new Array(10 - calls).fill('skipped/budget'));
      const spent = Number(/amas_provider_budget_spent\{provider="pricey",unit="usd"\} ([\d.e-]+)/.exec(await scrape(h))?.[1]);
      expect(spent).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(limit);
    });
  });
});

describe('the circuit breaker', () => {
  it('opens after N consecutive failed paid calls, then lets one trial through after the cool-down', async () => {
    const spec = simSpec('breaking', 'gemini', 'server_error', 'gemini-sim', { scope: 'generation' });
    await withSimulator([spec], async (sim) => {
      // The simulated failures alternate per call: the streaming check's extra call would shift them.
      const ai = aiSection(sim, [spec], { circuit: { failure_threshold: 3, cooldown: '1h' }, stream: false });
      const h = await moduleHarness(ai, envFor([spec]));
      const runs = await ladderRuns(h, 'breaking', 7);
      expect(generations(sim, 'breaking')).toBe(3);
      expect(kinds(runs)).toEqual(['error/http_5xx', 'error/http_5xx', 'error/http_5xx', 'skipped/circuit_open', 'skipped/circuit_open', 'skipped/circuit_open', 'skipped/circuit_open']);
      expect(await scrape(h)).toContain('amas_provider_circuit_state{provider="breaking"} 1');
      expect(h.module.providers()[0]?.status).toMatchObject({ status: 'failed', reason: 'http_5xx' });

      // A short cool-down (a reload keeps the open circuit) and a provider that recovered: one trial closes it.
      sim.setMode('breaking', 'honest');
      await h.configure({ ...ai, circuit: { failure_threshold: 3, cooldown: '200ms' } });
      await waitFor(async () => (await scrape(h)).includes('amas_provider_circuit_state{provider="breaking"} 2'), 5000, 50);
      expect(kinds(await ladderRuns(h, 'breaking', 2))).toEqual(['validated', 'validated']);
      expect(generations(sim, 'breaking')).toBe(5);
      expect(await scrape(h)).toContain('amas_provider_circuit_state{provider="breaking"} 0');
    });
  });

  it('does not count fake-AI detections as failures', async () => {
    const spec = simSpec('canned', 'cohere', 'canned', 'command-sim');
    await withSimulator([spec], async (sim) => {
      const h = await moduleHarness(aiSection(sim, [spec], { circuit: { failure_threshold: 2, cooldown: '1h' } }), envFor([spec]));
      const runs = await ladderRuns(h, 'canned', 5);
      expect(kinds(runs)).toEqual(new Array(5).fill('fake_ai_detected/template'));
      expect(generations(sim, 'canned')).toBe(5);
    });
  });

  it('waits at least as long as a 429 Retry-After asks before the next paid call', async () => {
    const spec = simSpec('limited', 'openai', 'rate_limited', 'gpt-sim', { scope: 'generation', retry_after: 3600 });
    await withSimulator([spec], async (sim) => {
      const h = await moduleHarness(aiSection(sim, [spec], { circuit: { failure_threshold: 10 } }), envFor([spec]));
      const runs = await ladderRuns(h, 'limited', 4);
      expect(generations(sim, 'limited')).toBe(1);
      // A 429 is not a provider failure: the calls wait out Retry-After and the provider stays usable (degraded).
      expect(kinds(runs)).toEqual(['error/rate_limited', 'skipped/rate_limited', 'skipped/rate_limited', 'skipped/rate_limited']);
      expect(runs[1]?.result.detail).toMatch(/Retry-After/);
      expect(h.module.providers()[0]?.status).toMatchObject({ status: 'degraded', reason: 'rate_limited' });
    });
  });

  it('stays open after an auth failure, across cool-downs and reloads, until the key changes', async () => {
    // The simulated provider checks no key itself; in bad_key mode it refuses every key on generation.
    const spec = { ...simSpec('locked', 'anthropic', 'bad_key', 'claude-sim', { scope: 'generation' }), api_key: null };
    await withSimulator([spec], async (sim) => {
      const keyEnv = keyEnvFor('locked');
      const ai = aiSection(sim, [spec], { circuit: { failure_threshold: 5, cooldown: '50ms' }, providers: { locked: { key_env: [keyEnv], enabled: 'auto' } } });
      const h = await moduleHarness(ai, { [keyEnv]: 'sk-amas-test-first-key-000001' });
      expect(kinds(await ladderRuns(h, 'locked', 1))).toEqual(['error/auth']);
      sim.setMode('locked', 'honest');
      await new Promise((resolve) => setTimeout(resolve, 200)); // several cool-downs pass
      await h.configure(ai); // an unchanged reload keeps the state
      expect(kinds(await ladderRuns(h, 'locked', 3))).toEqual(['skipped/circuit_open', 'skipped/circuit_open', 'skipped/circuit_open']);
      expect(generations(sim, 'locked')).toBe(1);
      expect(h.module.providers()[0]?.status).toMatchObject({ status: 'failed', reason: 'auth' });

      await h.configure(ai, { [keyEnv]: 'sk-amas-test-second-key-000002' });
      expect(kinds(await ladderRuns(h, 'locked', 1))).toEqual(['validated']);
      expect(generations(sim, 'locked')).toBe(2);
    });
  });
});
