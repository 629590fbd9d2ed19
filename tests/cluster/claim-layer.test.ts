import { Redis } from 'ioredis';
import { ClusterMode } from '../../src/cluster/cluster-mode';
import { FleetStore, type Claim } from '../../src/cluster/fleet-store';
import { KEY_PREFIX } from '../../src/cluster/keys';
import { planSlot } from '../../src/cluster/slot-plan';
import { startPrivateRedis, type PrivateServer } from '../helpers/servers';

// The claim/publish/read layer against a real Redis of the test's own.
let redis: PrivateServer;
const clients: Redis[] = [];
const DAY = '2026-01-01';

function connect(): Redis {
  const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 2000, retryStrategy: () => 100 });
  clients.push(client);
  return client;
}

async function ready(client: Redis): Promise<void> {
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
}

async function store(pod: string, leaseMs = 5000, cluster = 'test'): Promise<FleetStore> {
  const client = connect();
  await ready(client);
  return new FleetStore(client, { cluster, pod, leaseMs, resultTtlMs: 60_000, historyMax: 5 });
}

beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis.destroy();
});

test('of pods racing for one slot exactly one claims it; the rest see it held, then done once published', async () => {
  const pods = await Promise.all(Array.from({ length: 20 }, (_, i) => store(`pod-${i}`)));
  const replies = await Promise.all(pods.map((pod) => pod.claim('openai', 1000)));
  const kinds = replies.map((reply) => (reply.ok ? reply.value.kind : `error:${reply.reason}`));
  expect(kinds.filter((kind) => kind === 'claimed')).toHaveLength(1);
  expect(kinds.filter((kind) => kind === 'held')).toHaveLength(19);
  const winner = replies.findIndex((reply) => reply.ok && reply.value.kind === 'claimed');
  const claim = (replies[winner] as { ok: true; value: { kind: 'claimed'; claim: Claim } }).value.claim;
  const held = replies.find((reply) => reply.ok && reply.value.kind === 'held');
  expect(held?.ok && held.value.kind === 'held' && held.value.holder).toBe(`pod-${winner}`);

  const published = await pods[winner]!.publish(claim, { body: '{"verdict":"validated"}', history: '{"n":1}', spend: { requests: 1, usd: 0.001 }, day: DAY });
  expect(published).toEqual({ ok: true, value: 'published' });
  const after = await pods[3]!.claim('openai', 1000);
  expect(after.ok && after.value.kind).toBe('done');
  const view = await pods[7]!.read('openai', DAY, 10);
  expect(view.ok && view.value.result).toMatchObject({ slot: 1000, token: claim.token, pod: `pod-${winner}`, body: '{"verdict":"validated"}' });
  expect(view.ok && view.value.spend).toEqual({ requests: 1, usd: 0.001 });
  expect(view.ok && view.value.history).toEqual(['{"n":1}']);
  // Another provider's slot with the same number is a different claim.
  const other = await pods[0]!.claim('anthropic', 1000);
  expect(other.ok && other.value.kind).toBe('claimed');
});

test('a claimer paused past its lease is fenced out: the pod that took the slot over keeps its result', async () => {
  const slow = await store('slow', 300);
  const quick = await store('quick', 300);
  const first = await slow.claim('groq', 2000);
  if (!first.ok || first.value.kind !== 'claimed') throw new Error('slow should claim first');
  expect((await quick.claim('groq', 2000)).ok).toBe(true);
  // The pause: the lease runs out while "slow" does nothing.
  await new Promise((resolve) => setTimeout(resolve, 450));
  expect(FleetStore.holds(first.value.claim, 0)).toBe(false);
  const second = await quick.claim('groq', 2000);
  if (!second.ok || second.value.kind !== 'claimed') throw new Error('quick should take the expired slot over');
  expect(second.value.claim.token).toBeGreaterThan(first.value.claim.token);
  expect(await quick.publish(second.value.claim, { body: 'fresh', spend: { requests: 1 }, day: DAY })).toEqual({ ok: true, value: 'published' });
  // The paused claimer wakes up and publishes late: refused, but its spend (the call was paid for) still counts.
  expect(await slow.publish(first.value.claim, { body: 'late', spend: { requests: 1 }, day: DAY })).toEqual({ ok: true, value: 'fenced' });
  const view = await quick.read('groq', DAY);
  expect(view.ok && view.value.result?.body).toBe('fresh');
  expect(view.ok && view.value.spend.requests).toBe(2);
});

test('a waiting pod takes over a slot whose claimer vanished, within one lease', async () => {
  const dead = await store('dead', 400);
  const waiting = await store('waiting', 400);
  const claimed = await dead.claim('mistral', 3000);
  expect(claimed.ok && claimed.value.kind).toBe('claimed');
  const mode = new ClusterMode();
  mode.configure(true, 1);
  const started = Date.now();
  const plan = await planSlot(waiting, mode, { provider: 'mistral', slot: 3000, deadline: Date.now() + 5000, day: DAY, pollMs: 50 });
  expect(plan.kind).toBe('claim');
  expect(plan.role).toBe('took_over');
  // Order of magnitude only: after the lease (400 ms), far before the deadline (5 s).
  expect(Date.now() - started).toBeLessThan(4000);
});

test('every key is namespaced under the cluster name and expires', async () => {
  const pod = await store('ns-pod', 5000, 'deploy-a');
  const claim = await pod.claim('cohere', 4000);
  if (!claim.ok || claim.value.kind !== 'claimed') throw new Error('expected a claim');
  await pod.publish(claim.value.claim, { body: '{}', history: '{}', spend: { tokens: 55 }, day: DAY });
  const client = connect();
  await ready(client);
  const keys = await client.keys(`${KEY_PREFIX}:{deploy-a:*`);
  expect(keys.sort()).toEqual(
    ['claim:4000', 'fence', 'history', 'result', `spend:${DAY}`].map((suffix) => `${KEY_PREFIX}:{deploy-a:cohere}:${suffix}`).sort(),
  );
  for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
});

test('Redis down: every call is a value with a reason, the mode degrades and comes back by itself', async () => {
  const own = await startPrivateRedis();
  const client = new Redis(own.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500, retryStrategy: () => 50 });
  clients.push(client);
  await ready(client);
  const pod = new FleetStore(client, { cluster: 'down', pod: 'p', leaseMs: 1000, resultTtlMs: 10_000, historyMax: 5 });
  const changes: string[] = [];
  const mode = new ClusterMode((change) => changes.push(`${change.from}->${change.to}`));
  mode.configure(true, 2);
  const request = () => ({ provider: 'p1', slot: Date.now(), deadline: Date.now() + 1000, day: DAY, pollMs: 50 });
  expect((await planSlot(pod, mode, request())).kind).toBe('claim');
  await own.stop();
  const failed = await pod.claim('p1', 1);
  expect(failed.ok).toBe(false);
  expect(!failed.ok && ['connect', 'timeout'].includes(failed.reason)).toBe(true);
  // Degraded: alone on the first slot, then on one slot in two.
  const roles = [];
  for (let i = 0; i < 4; i += 1) roles.push((await planSlot(pod, mode, request())).role);
  expect(roles).toEqual(['alone', 'skipped', 'alone', 'skipped']);
  expect(mode.state).toBe('degraded');
  await own.start();
  // The client's status may still read 'ready' from before the kill until it notices the closed
  // socket: wait for a PING that the restarted server answers (bounded).
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await client.ping().then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect((await planSlot(pod, mode, request())).kind).toBe('claim');
  expect(changes).toEqual(['standalone->connecting', 'connecting->shared', 'shared->degraded', 'degraded->shared']);
  client.disconnect();
  await own.destroy();
});
