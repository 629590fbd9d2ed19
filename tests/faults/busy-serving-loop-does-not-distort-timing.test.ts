import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adapterFor } from '../../src/ai/adapters/registry';
import { fetchModels, generate } from '../../src/ai/provider-client';
import { httpProbe } from '../../src/probes/http';
import { runProbe } from '../helpers/probe-run';
import { challengeSpec, freshChallenge } from '../helpers/simulated-provider';
import { spawnTs, type TsChild } from './helpers/ts-child';

/**
 * Issue 10: a 300 ms synchronous stall of the serving loop while a provider answers in 10 ms must not
 * show up as provider latency. The simulator runs in its own process, so only our loop stalls.
 */
const KEY = 'sk-stall-test-0123456789abcdef';
const STALL_MS = 300;
let sim: TsChild;
let dir: string;
let baseUrl: string;

function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a deliberately busy serving loop
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'amas-stall-'));
  const file = path.join(dir, 'providers.json');
  writeFileSync(file, JSON.stringify([{ id: 'fast', style: 'openai', model: 'gpt-4o', api_key: KEY, options: { latency_ms: [10, 10] } }]));
  sim = spawnTs('src/simulator/main.ts', ['--providers', file]);
  const ready = await sim.line<{ providers: { id: string; base_url: string }[] }>((line) => line.event === 'simulator_ready');
  baseUrl = ready.providers[0]?.base_url as string;
}, 30_000);
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const endpoint = () => ({ baseUrl, apiKey: KEY, model: 'gpt-4o', headers: {} });

/** Starts `call`, stalls the loop at once, and returns what the call measured and the wall time. */
async function duringStall<T>(call: () => Promise<T>): Promise<{ result: T; wallMs: number }> {
  const started = performance.now();
  const pending = call();
  stall(STALL_MS);
  const result = await pending;
  return { result, wallMs: performance.now() - started };
}

describe('a stalled serving loop is not counted as upstream latency', () => {
  // Warm the worker and the simulator's connections first: the stall must overlap the exchange itself.
  beforeAll(async () => {
    await fetchModels(adapterFor('openai'), endpoint(), AbortSignal.timeout(10_000));
  });

  it('provider generation call', async () => {
    const { result, wallMs } = await duringStall(() => generate(adapterFor('openai'), endpoint(), challengeSpec(freshChallenge()), AbortSignal.timeout(10_000)));
    expect(result.ok).toBe(true);
    // The stall did overlap the call...
    expect(wallMs).toBeGreaterThanOrEqual(STALL_MS);
    // ...and the measured latency is the provider's ~10 ms, an order of magnitude below the stall.
    expect(result.elapsedMs).toBeLessThan(STALL_MS / 2);
  });

  it('provider models-list call', async () => {
    const { result, wallMs } = await duringStall(() => fetchModels(adapterFor('openai'), endpoint(), AbortSignal.timeout(10_000)));
    expect(result.ok).toBe(true);
    expect(wallMs).toBeGreaterThanOrEqual(STALL_MS);
    expect(result.elapsedMs).toBeLessThan(STALL_MS / 2);
  });

  it('http probe', async () => {
    const probe = httpProbe.create(httpProbe.schema.parse({ name: 'fast', type: 'http', url: `${baseUrl}/models`, headers: { authorization: `Bearer ${KEY}` }, expect: { max_response_time: '150ms' } }));
    const { result, wallMs } = await duringStall(() => runProbe(probe, 10_000));
    expect(wallMs).toBeGreaterThanOrEqual(STALL_MS);
    // max_response_time 150ms passes: the probe judged the target's time, not the loop's.
    expect(result.outcome).toMatchObject({ ok: true });
    expect(result.durationSeconds).toBeLessThan(STALL_MS / 2 / 1000);
  });
});
