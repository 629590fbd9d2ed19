import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';

/** Where resource numbers come from: the pod's cgroup v2 files, or the host-wide /proc. */
export type ResourceSource = 'cgroup_v2' | 'proc';

export interface MemorySample {
  readonly used: number;
  readonly limit: number;
  readonly byType: Readonly<Record<string, number>>;
}

export interface CpuSample {
  /** Monotonic CPU time used, in microseconds. */
  readonly usageMicros: number;
  readonly wallMicros: number;
  /** How many CPUs the usage is measured against (the cgroup quota, or all cores). */
  readonly cpus: number;
}

const readText = (path: string): Promise<string | undefined> => readFile(path, 'utf8').then((t) => t, () => undefined);

function keyValues(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) map.set(key.replace(/:$/, ''), Number(value));
  }
  return map;
}

export async function detectSource(root = '/sys/fs/cgroup'): Promise<ResourceSource> {
  return (await readText(`${root}/memory.current`)) !== undefined ? 'cgroup_v2' : 'proc';
}

export async function readMemory(source: ResourceSource, root = '/sys/fs/cgroup'): Promise<MemorySample> {
  const meminfo = keyValues((await readText('/proc/meminfo')) ?? '');
  const hostTotal = (meminfo.get('MemTotal') ?? os.totalmem() / 1024) * 1024;
  if (source === 'cgroup_v2') {
    const used = Number((await readText(`${root}/memory.current`))?.trim() ?? 0);
    const maxText = (await readText(`${root}/memory.max`))?.trim() ?? 'max';
    const limit = maxText === 'max' ? hostTotal : Number(maxText);
    const stat = keyValues((await readText(`${root}/memory.stat`)) ?? '');
    return { used, limit, byType: { used, limit, anon: stat.get('anon') ?? 0, file: stat.get('file') ?? 0 } };
  }
  const available = (meminfo.get('MemAvailable') ?? 0) * 1024;
  const used = hostTotal - available;
  return { used, limit: hostTotal, byType: { used, limit: hostTotal, cached: (meminfo.get('Cached') ?? 0) * 1024 } };
}

export async function readCpu(source: ResourceSource, root = '/sys/fs/cgroup'): Promise<CpuSample> {
  const wallMicros = Number(process.hrtime.bigint() / 1000n);
  if (source === 'cgroup_v2') {
    const stat = keyValues((await readText(`${root}/cpu.stat`)) ?? '');
    const [quota, period] = ((await readText(`${root}/cpu.max`)) ?? 'max 100000').trim().split(/\s+/);
    const cpus = quota === 'max' || !quota ? os.availableParallelism() : Number(quota) / Number(period ?? 100000);
    return { usageMicros: stat.get('usage_usec') ?? 0, wallMicros, cpus };
  }
  const first = ((await readText('/proc/stat')) ?? '').split('\n')[0] ?? '';
  const fields = first.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((sum, value) => sum + value, 0);
  // /proc/stat counts jiffies (1/100 s) across all cores; busy time is what CPU percent measures.
  return { usageMicros: (total - idle) * 10_000, wallMicros, cpus: os.availableParallelism() };
}

export function cpuPercent(before: CpuSample, after: CpuSample): number {
  const wall = after.wallMicros - before.wallMicros;
  if (wall <= 0 || after.cpus <= 0) return 0;
  const percent = ((after.usageMicros - before.usageMicros) / wall / after.cpus) * 100;
  return Math.min(100, Math.max(0, percent));
}

/** Seconds since the container's first process started (the pod's age, seen from inside). */
export async function readUptimeSeconds(): Promise<number> {
  const uptime = Number(((await readText('/proc/uptime')) ?? '0').split(' ')[0]);
  const stat = (await readText('/proc/1/stat')) ?? '';
  // Field 22 (starttime, in clock ticks) follows the ")" that ends the command name.
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(afterName[19]);
  if (!Number.isFinite(startTicks)) return process.uptime();
  return Math.max(0, uptime - startTicks / 100);
}

export async function readDisk(mount: string): Promise<{ used: number; capacity: number }> {
  const stats = await statfs(mount);
  return { used: (stats.blocks - stats.bfree) * stats.bsize, capacity: stats.blocks * stats.bsize };
}
