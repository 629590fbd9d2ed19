import { spawn } from 'node:child_process';
import type { Simulator } from '../../src/simulator/server';
import { writeTempConfig } from '../helpers/exporter';
import { BIN, runCli } from './run-cli';
import { aiSection, expectNoKeys, keyEnv, recorded, setMode, startProviders } from './sim-providers';

/** A price that makes even a handful of calls cost more than the default confirmation threshold. */
const DEAR = '      price_usd_per_million_tokens: { input: 5000, output: 5000 }\n';
/** No daily USD limit, so that the dear calls are limited by --max-requests alone. */
const NO_USD_LIMIT = '  budget:\n    usd: null\n';

/**
 * Runs the benchmark under `script` (util-linux), which gives it a pseudo-terminal, and answers the confirmation
 * question once it appears. Bounded: the child is killed after 30 s.
 */
function runOnTerminal(args: readonly string[], env: NodeJS.ProcessEnv, answer: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...env, NO_COLOR: '1', COLUMNS: '100' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let answered = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (!answered && output.includes('Go on? [y/N]')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('amas-exporter benchmark-providers', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startProviders();
  });
  afterAll(() => sim.close());
  beforeEach(() => fetch(`${sim.origin}/_sim/reset`, { method: 'POST' }));

  it('sends no more calls than --max-requests and reports percentiles, error rate and cost', async () => {
    const config = writeTempConfig(aiSection(sim, ['cerebras', 'cohere']));
    const run = await runCli(['benchmark-providers', '--duration', '20', '--concurrent', '3', '--max-requests', '7', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Benchmarking 2 providers \(cerebras, cohere\) for 20 s, 3 concurrent calls each, at most 7 calls each; worst-case cost \$/m);
    expect(run.stdout).toMatch(/^PROVIDER\s+CALLS\s+VALIDATED\s+FAKE\s+ERRORS\s+ERROR %\s+P50\s+P95\s+P99\s+TOKENS\s+COST$/m);
    expect(run.stdout).toMatch(/^cerebras\s+7\s+7\s+0\s+0\s+0%\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+\s+\$0\.\d+$/m);
    expect(run.stdout).toMatch(/^cohere\s+7\s+7\s+0\s+0\s+0%\s+/m);
    expect(run.stdout).toMatch(/^Total cost \$0\.\d+$/m);
    // Not a terminal: no progress bar.
    expect(run.stdout).not.toContain('[#');
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(7);
    expect(await recorded(sim, 'cohere', 'generation')).toHaveLength(7);
    expectNoKeys(run.stdout, run.stderr);
  });

  it('judges every reply: a fake provider\'s canned replies are reported as fake AI, never as successes, and the run exits 1', async () => {
    // grok answers with canned text (the simulator's template fake); cerebras is honest.
    const config = writeTempConfig(aiSection(sim, ['cerebras', 'grok']));
    const run = await runCli(['benchmark-providers', '--duration', '20', '--concurrent', '2', '--max-requests', '6', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^grok\s+6\s+0\s+6\s+0\s+0%\s+/m);
    expect(run.stdout).toMatch(/^grok: FAKE AI in 6 of 6 replies: template 6$/m);
    expect(run.stdout).toMatch(/^cerebras\s+6\s+6\s+0\s+0\s+0%\s+/m);
    expect(run.stdout).not.toMatch(/^cerebras: FAKE AI/m);
    const json = await runCli(['benchmark-providers', '--duration', '20', '--concurrent', '1', '--max-requests', '3', '--json', '--config', writeTempConfig(aiSection(sim, ['grok']))], { env: keyEnv() });
    const report = JSON.parse(json.stdout) as { providers: { provider: string; validated: number; fake_ai: number; fake_ai_by_reason: Record<string, number> }[] };
    expect(report.providers[0]).toMatchObject({ provider: 'grok', validated: 0, fake_ai: 3, fake_ai_by_reason: { template: 3 } });
  });

  it('stops at the daily budget of the config', async () => {
    const config = writeTempConfig(aiSection(sim, ['cerebras'], { cerebras: '      budget: { requests: 4 }\n' }));
    const run = await runCli(['benchmark-providers', '--duration', '20', '--concurrent', '3', '--json', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { providers: { provider: string; calls: number; stopped_by: string; latency_ms: { p50: number; p95: number; p99: number } }[] };
    expect(report.providers[0]).toMatchObject({ provider: 'cerebras', calls: 4, stopped_by: expect.stringMatching(/^budget: daily requests budget/) });
    expect(report.providers[0]?.latency_ms.p99).toBeGreaterThanOrEqual(report.providers[0]?.latency_ms.p50 ?? Infinity);
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(4);
  });

  it('counts errors by reason, stops when the circuit opens and exits 1', async () => {
    await setMode(sim, 'cohere', 'server_error', { scope: 'generation' });
    const config = writeTempConfig(aiSection(sim, ['cohere']));
    const run = await runCli(['benchmark-providers', '--duration', '20', '--concurrent', '1', '--max-requests', '10', '--config', config], { env: keyEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^cohere\s+3\s+0\s+0\s+3\s+100%\s+-\s+-\s+-\s+0\s+\$0$/m);
    expect(run.stdout).toMatch(/^cohere: errors http_5xx 3$/m);
    expect(run.stdout).toMatch(/^cohere: stopped early: circuit open/m);
  });

  it('refuses, without a terminal, a run whose worst case is above --confirm-above unless --yes', async () => {
    const config = writeTempConfig(aiSection(sim, ['cerebras'], { cerebras: DEAR }, NO_USD_LIMIT));
    const refused = await runCli(['benchmark-providers', '--duration', '5', '--max-requests', '2', '--config', config], { env: keyEnv() });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refusing: the run may spend up to \$\d+\.\d+, above --confirm-above \$0\.0500; pass --yes/);
    expect(await recorded(sim, 'cerebras', 'generation')).toEqual([]);
    const allowed = await runCli(['benchmark-providers', '--duration', '5', '--max-requests', '2', '--yes', '--config', config], { env: keyEnv() });
    expect(allowed.code).toBe(0);
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(2);
  });

  it('asks on a terminal, sends nothing when the answer is no, and shows a progress bar when it runs', async () => {
    const config = writeTempConfig(aiSection(sim, ['cerebras'], { cerebras: DEAR }, NO_USD_LIMIT));
    const args = ['benchmark-providers', '--duration', '2', '--max-requests', '3', '--config', config];
    const declined = await runOnTerminal(args, keyEnv(), 'n');
    expect(declined.code).toBe(3);
    expect(declined.output).toContain('Not confirmed; nothing was sent.');
    expect(await recorded(sim, 'cerebras', 'generation')).toEqual([]);
    const accepted = await runOnTerminal(args, keyEnv(), 'y');
    expect(accepted.code).toBe(0);
    expect(accepted.output).toMatch(/\[[#.]{24}\]\s+\d+% \d+\/2 s {2}calls \d+/);
    expect(await recorded(sim, 'cerebras', 'generation')).toHaveLength(3);
  }, 60_000);

  it('checks its flags', async () => {
    const run = await runCli(['benchmark-providers', '--concurrent', '0']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--concurrent must be a whole number');
  });
});
