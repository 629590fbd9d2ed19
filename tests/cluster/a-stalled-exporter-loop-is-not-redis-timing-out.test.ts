import { Redis } from 'ioredis';
import { ClusterMode } from '../../src/cluster/cluster-mode';
import { FleetStore } from '../../src/cluster/fleet-store';
import { planSlot } from '../../src/cluster/slot-plan';
import { startPrivateRedis, type PrivateRedis } from '../helpers/servers';

// A pod whose own event loop is blocked past the command timeout (CPU throttling) must not read
// a healthy Redis as timing out: that degrades the pod and makes it pay for a call alone. A Redis
// that really hangs still times out, within twice the timeout.
const TIMEOUT_MS = 200;
let redis: PrivateRedis;
const clients: Redis[] = [];

function client(commandTimeout: number): Redis {
  const made = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout, retryStrategy: () => 100 });
  clients.push(made);
  return made;
}

async function ready(made: Redis): Promise<void> {
  if (made.status !== 'ready') await new Promise((resolve) => made.once('ready', resolve));
}

/** Blocks this process's event loop, as a throttled pod's is blocked. */
function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs meanwhile
  }
}

beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  for (const made of clients) made.disconnect();
  await redis.destroy();
});

const settings = (commandTimeoutMs?: number) => ({ cluster: 'stall', pod: 'p', leaseMs: 5000, resultTtlMs: 60_000, historyMax: 5, ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }) });

/** A store on a connected client whose own timer is far out: the store's deadline is what times it. */
async function timedStore(): Promise<FleetStore> {
  const own = client(10_000);
  await ready(own);
  return new FleetStore(own, settings(TIMEOUT_MS));
}

/** Fleet mode on, recording every Redis failure it is told of. */
function countingMode(failures: string[]): ClusterMode {
  const mode = new ClusterMode(() => undefined, (reason) => failures.push(reason));
  mode.configure(true, 1);
  return mode;
}

test('a claim sent just before the loop blocks past the timeout is answered, not timed out', async () => {
  const store = await timedStore();
  const failures: string[] = [];
  const counted = countingMode(failures);
  const pending = planSlot(store, counted, { provider: 'openai', slot: 1, deadline: Date.now() + 2000, day: '2026-01-01', pollMs: 100 });
  blockLoop(3 * TIMEOUT_MS);
  const plan = await pending;
  expect(plan.kind).toBe('claim');
  expect(failures).toEqual([]);
  expect(counted.state).toBe('shared');
});

test('the same stall with only the client’s own timer reads as a timeout (what the deadline prevents)', async () => {
  const plain = client(TIMEOUT_MS);
  await ready(plain);
  const store = new FleetStore(plain, settings());
  const pending = store.claim('openai', 2);
  blockLoop(3 * TIMEOUT_MS);
  const reply = await pending;
  expect(reply).toMatchObject({ ok: false, reason: 'timeout' });
});

test('a Redis that really hangs still times out within twice the timeout, and the failure is counted', async () => {
  const store = await timedStore();
  const failures: string[] = [];
  const mode = countingMode(failures);
  // A stopped server keeps every connection open and answers nothing: a hung Redis.
  redis.pause();
  const started = performance.now();
  const plan = await planSlot(store, mode, { provider: 'openai', slot: 3, deadline: Date.now() + 2000, day: '2026-01-01', pollMs: 100 });
  const took = performance.now() - started;
  expect(plan).toMatchObject({ kind: 'local', role: 'alone' });
  expect(failures).toEqual(['timeout']);
  expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  expect(took).toBeLessThan(1500);
  redis.resume();
});
