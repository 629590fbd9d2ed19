import { refreshProbeMetrics } from '../../src/metrics/record';
import { aiSection, envFor, moduleHarness, simSpec, withSimulator } from '../ai/helpers/ai-harness';

/**
 * A validation run made while the circuit is open makes no call: it is a skip. It used to be
 * counted as one more failure under the last call's reason, so `amas_probe_failures_total` grew
 * by one a run for as long as the circuit stayed open, with no request sent.
 */
describe('runs skipped while a circuit is open', () => {
  it('are counted as skipped, not as failures under the last reason, and the probe still reads failing', async () => {
    const spec = simSpec('breaking', 'gemini', 'server_error', 'gemini-sim', { scope: 'generation' });
    await withSimulator([spec], async (sim) => {
      const h = await moduleHarness(aiSection(sim, [spec], { circuit: { failure_threshold: 3, cooldown: '1h' } }), envFor([spec]));
      for (let run = 0; run < 7; run += 1) await h.module.runLadderOnce('breaking');
      expect(sim.requests('breaking', 'generation')).toHaveLength(3);

      const record = h.store.get('ai_breaking_validation');
      expect(record?.runs).toBe(7);
      expect(Object.fromEntries(record?.failures ?? [])).toEqual({ http_5xx: 3 });
      expect(Object.fromEntries(record?.skips ?? [])).toEqual({ circuit_open: 4 });
      // The provider is not healthy while its circuit is open: the latest run still reads as failing.
      expect(record?.latest?.outcome).toMatchObject({ ok: false, reason: 'http_5xx', skipped: 'circuit_open' });

      refreshProbeMetrics(h.bundle.metrics, h.store);
      const core = await h.bundle.registries.core.metrics();
      expect(core).toContain('amas_probe_failures_total{probe="ai_breaking_validation",reason="http_5xx"} 3');
      expect(core).toContain('amas_probe_runs_total{probe="ai_breaking_validation"} 7');
      expect(core).toContain('amas_probe_success{probe="ai_breaking_validation"} 0');
      h.module.beforeScrape();
      expect(await h.bundle.registries['ai-providers'].metrics()).toContain('amas_provider_validation_skipped_total{provider="breaking",reason="circuit_open"} 4');
    });
  });
});
