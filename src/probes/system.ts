import { z } from 'zod';
import { probeSchema } from '../config/fields';
import { sleep } from '../lib/abort';
import { describeError } from './classify-error';
import { cpuPercent, detectSource, readCpu, readDisk, readMemory, readUptimeSeconds, type CpuSample } from './system-readers';
import { failure, success, type Observation, type ProbeDefinition } from './types';

const schema = probeSchema(
  'system',
  {
    mounts: z.array(z.string().startsWith('/')).default(['/']).describe('Mount points reported as amas_disk_usage_bytes{mount}.'),
    cgroup_root: z.string().default('/sys/fs/cgroup').describe('Where cgroup v2 files are read; /proc is used when absent.'),
  },
  { interval: '15s', timeout: '5s' },
);

/**
 * Not a network probe: samples the pod's resource use (cgroup v2 where present, /proc otherwise)
 * as the seed's amas_system_*, amas_memory_*, amas_cpu_* and amas_disk_* families.
 */
export const systemProbe = {
  type: 'system',
  schema,
  create(config) {
    let previousCpu: CpuSample | undefined;
    return {
      async run({ signal }) {
        try {
          const source = await detectSource(config.cgroup_root);
          if (!previousCpu) {
            // CPU percent needs two samples; the first run takes a short window of its own.
            previousCpu = await readCpu(source, config.cgroup_root);
            await sleep(Math.min(250, config.timeout / 4), signal);
          }
          const cpuNow = await readCpu(source, config.cgroup_root);
          const percent = cpuPercent(previousCpu, cpuNow);
          previousCpu = cpuNow;
          const memory = await readMemory(source, config.cgroup_root);
          const observations: Observation[] = [
            { family: 'amas_system_uptime_seconds', labels: {}, value: await readUptimeSeconds() },
            { family: 'amas_cpu_usage_percent', labels: {}, value: percent },
            { family: 'amas_exporter_resource_source', labels: { source }, value: 1 },
            ...Object.entries(memory.byType).map(([type, value]) => ({ family: 'amas_memory_usage_bytes' as const, labels: { type }, value })),
          ];
          for (const mount of config.mounts) {
            const disk = await readDisk(mount);
            observations.push({ family: 'amas_disk_usage_bytes', labels: { mount }, value: disk.used });
            observations.push({ family: 'amas_disk_capacity_bytes', labels: { mount }, value: disk.capacity });
          }
          return success(`Resource use read from ${source === 'cgroup_v2' ? 'cgroup v2' : '/proc'}`, observations);
        } catch (error) {
          return failure('internal', `Reading resource use failed: ${describeError(error)}`);
        }
      },
      async close() {},
    };
  },
} satisfies ProbeDefinition<typeof schema>;
