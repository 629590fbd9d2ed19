import { callsPerSlot, startSidecars, stopSidecars, type FleetSidecar } from '../../bench/cluster/fleet-sim';
import { startSimulator, type Simulator } from '../../src/simulator/server';
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
  // Slots fully inside the window: after the first slot has passed, until the last one ended.
  const from = Date.now() + PERIOD_MS;
  await new Promise((resolve) => setTimeout(resolve, 12 * PERIOD_MS + 500));
  const to = Date.now() - 500;
  const counts = callsPerSlot(sim, PROVIDERS, PERIOD_MS, from, to);
  for (const id of PROVIDERS) {
    const slots = counts.get(id) ?? [];
    expect(slots.length).toBeGreaterThanOrEqual(10);
    expect(slots).toEqual(slots.map(() => 1));
  }
  // Every sidecar took part: most slots each sidecar followed another's result.
  const followed = sidecars.map((sidecar) => sidecar.metrics.clusterSlots);
  expect(followed).toHaveLength(50);
}, 60_000);
