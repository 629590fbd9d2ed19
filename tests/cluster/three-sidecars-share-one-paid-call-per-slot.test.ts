import { Redis } from 'ioredis';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { waitFor } from '../helpers/exporter';
import { requireBuild } from '../helpers/binary';
import { startPrivateRedis, type PrivateServer } from '../helpers/servers';
import { SIM_KEY, startPod, type Pod } from './fleet-harness';

// Three real exporter processes, one Redis of the test's own, one provider simulator.
let sim: Simulator;
let redis: PrivateServer;
let pods: Pod[] = [];
const generations = (): number => sim.requests('simoa', 'generation').length;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function sum(family: string, labels: Record<string, string>): Promise<number> {
  const values = await Promise.all(pods.map((pod) => pod.sample(family, labels)));
  return values.reduce<number>((total, value) => total + (value ?? 0), 0);
}

async function latestCodes(pod: Pod, count: number): Promise<string[]> {
  const runs = await pod.debugRuns('simoa');
  return runs.map((run) => run.challenge?.code ?? '-').slice(0, count);
}

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ providers: [{ id: 'simoa', style: 'openai', model: 'gpt-4o', api_key: SIM_KEY, options: { latency_ms: [40, 90] } }] });
  redis = await startPrivateRedis();
  pods = await Promise.all(['pod-a', 'pod-b', 'pod-c'].map((name) => startPod({ name, simBaseUrl: sim.baseUrl('simoa'), redisUrl: redis.url })));
  await waitFor(async () => (await sum('amas_exporter_cluster_state', { state: 'shared' })) === 3, 20_000, 200);
}, 60_000);

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.dispose()));
  await sim?.close();
  await redis?.destroy();
});

test('over ten slots the provider receives the paid calls of one sidecar, and all three serve the same verdict and history', async () => {
  const claimsBefore = (await sum('amas_exporter_cluster_slots_total', { role: 'claimed' })) + (await sum('amas_exporter_cluster_slots_total', { role: 'took_over' }));
  const callsBefore = generations();
  const started = Date.now();
  await sleep(20_500); // ten slots of two seconds
  const slots = Math.ceil((Date.now() - started) / 2000);
  const calls = generations() - callsBefore;
  const claims = (await sum('amas_exporter_cluster_slots_total', { role: 'claimed' })) + (await sum('amas_exporter_cluster_slots_total', { role: 'took_over' })) - claimsBefore;
  // One call per slot for the fleet; three sidecars alone would have made about 3 x slots.
  expect(calls).toBeGreaterThanOrEqual(slots - 2);
  expect(calls).toBeLessThanOrEqual(slots + 1);
  // Every paid call is one claim, and no claim went unpaid.
  expect(Math.abs(calls - claims)).toBeLessThanOrEqual(1);
  expect(await sum('amas_exporter_cluster_slots_total', { role: 'followed' })).toBeGreaterThanOrEqual(2 * (slots - 3));

  // Same verdict everywhere, and the same runs (each paid call's challenge is unique) in the same order.
  await waitFor(async () => {
    const lists = await Promise.all(pods.map((pod) => latestCodes(pod, 6)));
    return lists.every((list) => list.length === 6 && JSON.stringify(list) === JSON.stringify(lists[0]));
  }, 10_000, 100);
  for (const pod of pods) expect(await pod.sample('amas_provider_health', { provider: 'simoa', status: 'healthy' })).toBe(1);
  // The companion series: two pods say the result is shared, and each names the pod that made it.
  const shared = await Promise.all(pods.map(async (pod) => ({ pod, metrics: await pod.metrics() })));
  const origins = shared.map(({ metrics }) => /amas_provider_validation_shared\{provider="simoa",origin_pod="([^"]+)"\} (\d)/.exec(metrics));
  expect(origins.every(Boolean)).toBe(true);
  for (const [index, match] of origins.entries()) expect(match?.[2]).toBe(match?.[1] === pods[index]?.name ? '0' : '1');
  for (const pod of pods) expect((await pod.sample('amas_provider_validation_result_age_seconds', { provider: 'simoa' })) ?? Infinity).toBeLessThan(60);
}, 60_000);

test('Redis keys and values hold no key or token, are namespaced and expire', async () => {
  const client = new Redis(redis.url);
  try {
    const keys = await client.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.startsWith('amas-exporter:{fleet-test:simoa:')).toBe(true);
      expect(await client.pttl(key)).toBeGreaterThan(0);
      const type = await client.type(key);
      const value = type === 'hash' ? JSON.stringify(await client.hgetall(key)) : type === 'list' ? JSON.stringify(await client.lrange(key, 0, -1)) : String(await client.get(key));
      expect(value).not.toContain(SIM_KEY);
      expect(value).not.toContain('fleet-admin-token');
    }
  } finally {
    client.disconnect();
  }
});

test('SIGKILL of the claimer mid-run: another sidecar takes the slot over within one lease', async () => {
  const client = new Redis(redis.url);
  try {
    sim.setMode('simoa', 'slow', { delay_ms: 700, scope: 'generation' });
    // Find the claim of a slot whose call is under way at the simulator (the record has no status yet).
    let victim: Pod | undefined;
    let slot = 0;
    await waitFor(async () => {
      const claims = (await client.keys('amas-exporter:{fleet-test:simoa:*}:claim:*')).sort();
      const newest = claims.at(-1);
      if (!newest) return false;
      const holder = (await client.get(newest)) ?? '';
      const pod = pods.find((candidate) => holder.endsWith(` ${candidate.name}`));
      const done = await client.hget(newest.replace(/claim:\d+$/, 'result'), 'slot');
      slot = Number(newest.slice(newest.lastIndexOf(':') + 1));
      const inFlight = sim.requests('simoa', 'generation').at(-1)?.status === null;
      if (!pod || Number(done ?? 0) >= slot || !inFlight) return false;
      victim = pod;
      return true;
    }, 15_000, 20);
    const killed = victim as Pod;
    killed.cli.child.kill('SIGKILL');
    await killed.cli.exited();
    const survivors = pods.filter((pod) => pod !== killed);
    const tookOverBefore = await Promise.all(survivors.map((pod) => pod.sample('amas_exporter_cluster_slots_total', { provider: 'simoa', role: 'took_over' })));
    // The killed pod's slot gets its result from a survivor: the claim expired (lease 1.5 s) and was taken over.
    await waitFor(async () => {
      const resultKey = (await client.keys('amas-exporter:{fleet-test:simoa:*}:result'))[0] as string;
      const result = await client.hgetall(resultKey);
      return Number(result.slot) >= slot && result.pod !== killed.name;
    }, 10_000, 50);
    const tookOverAfter = await Promise.all(survivors.map((pod) => pod.sample('amas_exporter_cluster_slots_total', { provider: 'simoa', role: 'took_over' })));
    expect(tookOverAfter.reduce<number>((a, b) => a + (b ?? 0), 0)).toBeGreaterThan(tookOverBefore.reduce<number>((a, b) => a + (b ?? 0), 0));
  } finally {
    client.disconnect();
    sim.setMode('simoa', 'honest', { latency_ms: [40, 90] });
  }
  for (const pod of pods) if (pod.cli.child.exitCode !== null || pod.cli.child.signalCode !== null) await pod.restart();
  await waitFor(async () => (await sum('amas_exporter_cluster_state', { state: 'shared' })) === 3, 20_000, 200);
}, 60_000);

test('Redis stopped: all three degrade and serve their own results; started again: back to shared mode', async () => {
  await redis.stop();
  await waitFor(async () => (await sum('amas_exporter_cluster_state', { state: 'degraded' })) === 3, 20_000, 200);
  // Each pod validates alone (one slot in two) and says the result it serves is its own.
  await waitFor(async () => {
    const own = await Promise.all(pods.map((pod) => pod.sample('amas_provider_validation_shared', { provider: 'simoa', origin_pod: pod.name })));
    return own.every((value) => value === 0);
  }, 20_000, 200);
  for (const pod of pods) expect(await pod.sample('amas_provider_health', { provider: 'simoa', status: 'healthy' })).toBe(1);

  await redis.start();
  await waitFor(async () => (await sum('amas_exporter_cluster_state', { state: 'shared' })) === 3, 30_000, 200);
  // Shared again: some pod serves another pod's result.
  await waitFor(async () => (await Promise.all(pods.map((pod) => pod.metrics()))).some((text) => /amas_provider_validation_shared\{[^}]*\} 1/.test(text)), 20_000, 200);
}, 90_000);
