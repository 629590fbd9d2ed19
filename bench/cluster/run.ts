/**
 * Paid validation calls per provider and slot for N sidecars: with a shared Redis (fleet mode) and,
 * as the reference in the same run, with every sidecar alone. Counted at the provider simulator.
 *
 *   npm run bench:cluster                 # N = 1, 5, 20, 50; 6 slots of 2 s each
 *   npm run bench:cluster -- 10 100       # other N
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { startSimulator } from '../../src/simulator/server';
import { callsPerSlot, startSidecars, stopSidecars } from './fleet-sim';
import { freePort, sleep } from '../lib/net';

const PERIOD_MS = 2000;
const SLOTS = 6;
const PROVIDERS = ['p_one', 'p_two', 'p_three'];
const KEY = 'bench-cluster-key-Zx8Cv6Bn4Mm2';


async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
      return { url: `redis://127.0.0.1:${port}/0`, child };
    } catch {
      await sleep(100);
    }
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

interface Row {
  readonly sidecars: number;
  readonly mode: 'fleet' | 'alone';
  readonly perSlot: number[];
}

async function measure(sidecars: number, redisUrl: string | undefined, cluster: string): Promise<Row> {
  const sim = await startSimulator({ providers: PROVIDERS.map((id) => ({ id, style: 'openai' as const, model: 'gpt-4o', api_key: KEY, options: { latency_ms: [20, 60] } })) });
  const fleet = await startSidecars({ sim, providers: PROVIDERS, key: KEY, sidecars, redisUrl, schedule: '*/2 * * * * *', periodMs: PERIOD_MS, cluster });
  try {
    // Skip the slot under way at start; count SLOTS whole slots after it.
    const from = (Math.floor(Date.now() / PERIOD_MS) + 1) * PERIOD_MS;
    const to = from + SLOTS * PERIOD_MS;
    await sleep(to - Date.now() + PERIOD_MS / 2);
    const counts = callsPerSlot(sim, PROVIDERS, PERIOD_MS, from, to);
    return { sidecars, mode: redisUrl ? 'fleet' : 'alone', perSlot: [...counts.values()].flat() };
  } finally {
    await stopSidecars(fleet);
    await sim.close();
  }
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const ns = sizes.length > 0 ? sizes : [1, 5, 20, 50];
  const redis = await startRedis();
  const rows: Row[] = [];
  try {
    for (const n of ns) {
      rows.push(await measure(n, redis.url, `bench${n}`));
      rows.push(await measure(n, undefined, `bench${n}`));
    }
  } finally {
    redis.child.kill('SIGKILL');
  }
  console.log(`paid validation calls per provider and slot (${PROVIDERS.length} providers, ${SLOTS} slots of ${PERIOD_MS / 1000} s), ${new Date().toISOString().slice(0, 10)}`);
  console.log('SIDECARS  FLEET(mean min..max)  ALONE(mean)  RATIO');
  for (const n of ns) {
    const fleet = rows.find((row) => row.sidecars === n && row.mode === 'fleet')?.perSlot ?? [];
    const alone = rows.find((row) => row.sidecars === n && row.mode === 'alone')?.perSlot ?? [];
    const ratio = mean(alone) > 0 ? mean(fleet) / mean(alone) : NaN;
    console.log(`${String(n).padStart(8)}  ${mean(fleet).toFixed(2).padStart(5)} (${Math.min(...fleet)}..${Math.max(...fleet)})${' '.repeat(10)}${mean(alone).toFixed(2).padStart(7)}  ${ratio.toFixed(3)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
