import { callsPerSlot, startSidecars, stopSidecars, type FleetSidecar } from '../../bench/cluster/fleet-sim';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { waitFor } from '../helpers/exporter';
import { startPrivateRedis, type PrivateServer } from '../helpers/servers';

// Fifty sidecars (the exporter's AI module in fleet mode, each with its own Redis connection) in
// one process, one Redis of the test's own, three simulated providers; counted at the simulator.
const KEY = 'sim-fifty-key-Qw3Er5Ty7Ui9Op1A';
const PROVIDERS = ['p_one', 'p_two', 'p_three'];
const PERIOD_MS = 2000;
let sim: Simulator;
let redis: PrivateServer;
let sidecars: FleetSidecar[] = [];

beforeAll(async () => {
  sim = await startSimulator({ providers: PROVIDERS.map((id) => ({ id, style: 'openai' as const, model: 'gpt-4o', api_key: KEY, options: { latency_ms: [20, 60] } })) });
  redis = await startPrivateRedis();
});

afterAll(async () => {
  await stopSidecars(sidecars);
  await sim?.close();
  await redis?.destroy();
});

test('50 sidecars against one Redis make exactly one paid call per provider and slot', async () => {
  sidecars = await startSidecars({ sim, providers: PROVIDERS, key: KEY, sidecars: 50, redisUrl: redis.url, schedule: '*/2 * * * * *', periodMs: PERIOD_MS, cluster: 'fifty' });
  // Fifty connections opened by one busy process can take seconds; a sidecar still connecting
  // validates alone by design (a pod must not wait forever on Redis). The claim under test is the
  // steady state, so the window opens once every sidecar has reached Redis.
  const stateOf = (sidecar: FleetSidecar): unknown => (sidecar.module.health().checks.find((check) => check.name === 'cluster') as { cluster_state?: string } | undefined)?.cluster_state;
  await waitFor(() => sidecars.every((sidecar) => stateOf(sidecar) === 'shared'), 20_000, 100);
  // Slots fully inside the window: after the first slot has passed, until the last one ended.
  const from = Date.now() + PERIOD_MS;
  await new Promise((resolve) => setTimeout(resolve, 12 * PERIOD_MS + 500));
  const to = Date.now() - 500;
  const counts = callsPerSlot(sim, PROVIDERS, PERIOD_MS, from, to);
  // What the sidecars did, summed: shown with any slot that went wrong.
  const roles: Record<string, number> = {};
  for (const sidecar of sidecars) {
    for (const value of (await sidecar.metrics.clusterSlots.get()).values) roles[String(value.labels.role)] = (roles[String(value.labels.role)] ?? 0) + value.value;
    for (const value of (await sidecar.metrics.clusterRedisFailures.get()).values) roles[`redis_${String(value.labels.reason)}`] = (roles[`redis_${String(value.labels.reason)}`] ?? 0) + value.value;
  }
  for (const id of PROVIDERS) {
    const slots = counts.get(id) ?? [];
    expect(slots.length).toBeGreaterThanOrEqual(10);
    // Never two calls in a slot. A slot may go without one when the claimer, starved of CPU with
    // 49 others in this process, saw its lease run short and made no call (LeaseLost): once at most.
    expect({ provider: id, slots, roles }).toEqual({ provider: id, slots: slots.map((n) => Math.min(n, 1)), roles });
    const withoutCall = slots.filter((n) => n === 0).length;
    expect({ provider: id, slotsWithoutCallBeyondOne: Math.max(0, withoutCall - 1), roles }).toEqual({ provider: id, slotsWithoutCallBeyondOne: 0, roles });
  }
  // Every sidecar took part: most slots each sidecar followed another's result.
  const followed = sidecars.map((sidecar) => sidecar.metrics.clusterSlots);
  expect(followed).toHaveLength(50);
}, 60_000);
