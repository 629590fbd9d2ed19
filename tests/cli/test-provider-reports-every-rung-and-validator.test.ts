import type { Simulator } from '../../src/simulator/server';
import { writeTempConfig } from '../helpers/exporter';
import { runCli } from './run-cli';
import { aiSection, expectNoKeys, keyEnv, recorded, startProviders } from './sim-providers';

describe('amas-exporter test-provider <id>', () => {
  let sim: Simulator;
  let config: string;
  beforeAll(async () => {
    sim = await startProviders();
    config = writeTempConfig(aiSection(sim, ['cerebras', 'grok']));
  });
  afterAll(() => sim.close());

  it('validates an honest provider: each rung and validator passes, with latency, tokens and cost; exit 0', async () => {
    const run = await runCli(['test-provider', 'cerebras', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Provider cerebras \(openai API, model qwen-3-235b-a22b-instruct-2507\): VALIDATED$/m);
    for (const rung of ['reachability', 'metadata', 'validation']) expect(run.stdout).toMatch(new RegExp(`^${rung}\\s+pass\\s+\\d+ ms`, 'm'));
    for (const validator of ['answer', 'envelope', 'template', 'duplicate_reply', 'timing']) expect(run.stdout).toMatch(new RegExp(`^${validator}\\s+pass\\s+\\S`, 'm'));
    expect(run.stdout).toMatch(/^Call: latency \d+ ms, tokens \d+ \+ \d+ = \d+, cost \$0\.\d+$/m);
    expect(run.stdout).not.toContain('Request:');
    // The run made real calls: one models list and one generation reached the simulator.
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(1);
    expect(await recorded(sim, 'cerebras', 'models')).toHaveLength(1);
    expectNoKeys(run.stdout, run.stderr);
  });

  it('names the validator that caught a fake provider and exits 1', async () => {
    const run = await runCli(['test-provider', 'grok', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/NOT VALIDATED/);
    expect(run.stdout).toMatch(/^validation\s+FAIL\s+fake_ai\s+/m);
    expect(run.stdout).toMatch(/^template\s+FAIL \(template\)\s+the reply contains the canned phrase/m);
  });

  it('prints the request and the reply with --debug, keys removed', async () => {
    const run = await runCli(['test-provider', 'grok', '--debug', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^Request:\\n    POST ${sim.baseUrl('grok').replace(/[.]/g, '\\.')}/chat/completions$`, 'm'));
    expect(run.stdout).toMatch(/^ {4}authorization: \[REDACTED\]$/m);
    expect(run.stdout).toMatch(/^Reply: HTTP 200$/m);
    expect(run.stdout).toContain('"finish_reason": "stop"');
    expectNoKeys(run.stdout, run.stderr);
  });

  it('reports JSON with --json', async () => {
    const run = await runCli(['test-provider', 'cerebras', '--json', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { validated: boolean; provider: string; validation: { verdicts: Record<string, { ok: boolean }>; transcript: unknown } };
    expect(report).toMatchObject({ validated: true, provider: 'cerebras' });
    expect(Object.values(report.validation.verdicts).every((finding) => finding.ok)).toBe(true);
    expect(report.validation.transcript).toBeNull();
  });

  it('exits 1 for a provider without a key, making no call, and 64 for an unknown id', async () => {
    await fetch(`${sim.origin}/_sim/providers/cerebras/requests`, { method: 'DELETE' });
    const keyless = await runCli(['test-provider', 'cerebras', '--config', config], { env: keyEnv(['grok']) });
    expect(keyless.code).toBe(1);
    expect(keyless.stdout).toMatch(/State: unconfigured .*CEREBRAS_API_KEY/);
    expect(await recorded(sim, 'cerebras')).toEqual([]);
    const unknown = await runCli(['test-provider', 'nosuch', '--config', config], { env: keyEnv() });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('known: cerebras, grok');
  }, 60_000);
});
