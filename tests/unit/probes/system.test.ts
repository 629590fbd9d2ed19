import path from 'node:path';
import { systemProbe } from '../../../src/probes/system';
import { cpuPercent } from '../../../src/probes/system-readers';
import type { Observation } from '../../../src/probes/types';
import { runProbe } from '../../helpers/probe-run';

const value = (observations: readonly Observation[], family: string, labels: Record<string, string> = {}): number | undefined =>
  observations.find((o) => o.family === family && Object.entries(labels).every(([k, v]) => o.labels[k] === v))?.value;

const probe = (fields: Record<string, unknown>) => systemProbe.create(systemProbe.schema.parse({ name: 'system', type: 'system', ...fields }));

describe('the system probe', () => {
  it("reads the pod's memory from cgroup v2 files where present", async () => {
    const report = await runProbe(probe({ cgroup_root: path.join(__dirname, '..', '..', 'fixtures', 'cgroup') }));
    expect(report.outcome).toEqual({ ok: true, message: 'Resource use read from cgroup v2' });
    expect(value(report.observations, 'amas_memory_usage_bytes', { type: 'used' })).toBe(104_857_600);
    expect(value(report.observations, 'amas_memory_usage_bytes', { type: 'limit' })).toBe(536_870_912);
    expect(value(report.observations, 'amas_memory_usage_bytes', { type: 'anon' })).toBe(73_400_320);
    expect(value(report.observations, 'amas_exporter_resource_source', { source: 'cgroup_v2' })).toBe(1);
  });

  it('falls back to /proc without cgroup v2 files, and reports uptime, CPU and disk use of each mount', async () => {
    const report = await runProbe(probe({ cgroup_root: '/nonexistent', mounts: ['/'] }));
    expect(report.outcome).toEqual({ ok: true, message: 'Resource use read from /proc' });
    expect(value(report.observations, 'amas_memory_usage_bytes', { type: 'limit' })).toBeGreaterThan(0);
    expect(value(report.observations, 'amas_system_uptime_seconds')).toBeGreaterThan(0);
    expect(value(report.observations, 'amas_cpu_usage_percent')).toBeGreaterThanOrEqual(0);
    expect(value(report.observations, 'amas_disk_usage_bytes', { mount: '/' })).toBeGreaterThan(0);
    expect(value(report.observations, 'amas_disk_capacity_bytes', { mount: '/' })).toBeGreaterThan(value(report.observations, 'amas_disk_usage_bytes', { mount: '/' }) ?? 0);
  });

  it('computes CPU percent against the cgroup quota', () => {
    // 0.25 s of CPU in 1 s of wall time, with a quota of half a CPU: 50 %.
    expect(cpuPercent({ usageMicros: 0, wallMicros: 0, cpus: 0.5 }, { usageMicros: 250_000, wallMicros: 1_000_000, cpus: 0.5 })).toBe(50);
  });

  it('fails with a clear message for a mount that does not exist', async () => {
    const report = await runProbe(probe({ cgroup_root: '/nonexistent', mounts: ['/no/such/mount'] }));
    expect(report.outcome).toMatchObject({ ok: false, reason: 'internal' });
    expect(report.outcome.message).toContain('ENOENT');
  });
});
