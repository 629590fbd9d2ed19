import type { Simulator } from '../../src/simulator/server';
import { writeTempConfig } from '../helpers/exporter';
import { runCli } from './run-cli';
import { aiSection, expectNoKeys, keyEnv, recorded, startProviders } from './sim-providers';

describe('amas-exporter test-providers', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startProviders();
  });
  afterAll(() => sim.close());

  it('runs every configured provider, prints one row each and exits 1 when one is fake', async () => {
    const config = writeTempConfig(aiSection(sim, ['cerebras', 'grok', 'cohere']));
    const run = await runCli(['test-providers', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^PROVIDER\s+MODEL\s+OK\s+RESULT\s+REASON\s+LATENCY\s+TOKENS\s+COST\s+DETAIL$/m);
    expect(run.stdout).toMatch(/^cerebras\s+qwen-3-235b-a22b-instruct-2507\s+pass\s+validated\s+\d+ ms\s+\d+ \+ \d+ = \d+\s+\$0\.\d+\s+\d+ checks passed/m);
    expect(run.stdout).toMatch(/^cohere\s+command-a-03-2025\s+pass\s+validated\s+/m);
    expect(run.stdout).toMatch(/^grok\s+x-ai\/grok-4-fast:free\s+FAIL\s+fake_ai_detected\s+template\s+/m);
    expect(run.stdout).toContain('3 providers: 2 validated, 1 not');
    for (const id of ['cerebras', 'grok', 'cohere'] as const) expect(await recorded(sim, id, 'generation')).toHaveLength(1);
    expectNoKeys(run.stdout, run.stderr);
  });

  it('exits 0 when every configured provider validates; providers without a key are not called', async () => {
    const config = writeTempConfig(aiSection(sim, ['cerebras', 'grok', 'cohere']));
    await fetch(`${sim.origin}/_sim/reset`, { method: 'POST' });
    const run = await runCli(['test-providers', '--json', '--config', config], { env: keyEnv(['cerebras', 'cohere']) });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; providers: { provider: string; validated: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.providers.map((provider) => provider.provider).sort()).toEqual(['cerebras', 'cohere']);
    expect(await recorded(sim, 'grok')).toEqual([]);
  });

  it('says so and exits 64 when no provider is configured', async () => {
    const run = await runCli(['test-providers', '--config', writeTempConfig(aiSection(sim, ['cerebras']))], { env: { CEREBRAS_API_KEY: '' } });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('no AI provider is configured');
  });
});
