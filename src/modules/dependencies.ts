import { createHash } from 'node:crypto';
import type { ExporterConfig } from './config-schema';
import { createProbe, probeIsConfigured, type ProbeConfig } from '../probes/registry';
import type { ProbeRecord } from '../scheduler/result-store';
import type { ScheduledTask } from '../scheduler/scheduler';
import type { HealthCheck, HealthContribution, MetricsBlock, ServiceState } from '../server/health-model';
import type { ExporterModule, ModuleDeps } from './types';

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

export function checkFromRecord(name: string, record: ProbeRecord | undefined): HealthCheck {
  const latest = record?.latest;
  if (!latest) return { name, status: 'unknown', message: 'Not run yet', response_time_ms: null, last_run: null };
  return {
    name,
    status: latest.outcome.ok ? 'pass' : 'fail',
    message: latest.outcome.message,
    response_time_ms: Math.round(latest.durationSeconds * 1000),
    last_run: new Date(latest.startedAt).toISOString(),
    ...(latest.outcome.ok ? {} : { reason: latest.outcome.reason }),
  };
}

function serviceState(record: ProbeRecord | undefined): ServiceState {
  if (!record?.latest) return 'unknown';
  return record.latest.outcome.ok ? 'healthy' : 'unhealthy';
}

function observed(record: ProbeRecord | undefined, family: string, labels: Record<string, string> = {}): number | undefined {
  return record?.latest?.observations.find(
    (o) => o.family === family && Object.entries(labels).every(([key, value]) => o.labels[key] === value),
  )?.value;
}

function resourceMetrics(records: readonly (ProbeRecord | undefined)[]): Partial<MetricsBlock> {
  const system = records.find((record) => observed(record, 'amas_cpu_usage_percent') !== undefined);
  if (!system) return {};
  const used = observed(system, 'amas_memory_usage_bytes', { type: 'used' });
  const limit = observed(system, 'amas_memory_usage_bytes', { type: 'limit' });
  const diskUsed = system.latest?.observations.filter((o) => o.family === 'amas_disk_usage_bytes').reduce((sum, o) => sum + o.value, 0) ?? 0;
  const diskSize = system.latest?.observations.filter((o) => o.family === 'amas_disk_capacity_bytes').reduce((sum, o) => sum + o.value, 0) ?? 0;
  const round = (value: number): number => Math.round(value * 10) / 10;
  return {
    memory_usage_percent: used !== undefined && limit ? round((used / limit) * 100) : null,
    cpu_usage_percent: round(observed(system, 'amas_cpu_usage_percent') ?? 0),
    disk_usage_percent: diskSize > 0 ? round((diskUsed / diskSize) * 100) : null,
  };
}

/**
 * The `probes:` section: Postgres, Redis, Neo4j, the AMAS app's HTTP port, TCP and the pod's
 * resources. A probe whose config names nothing to probe (a Neo4j URI left empty) is not scheduled
 * and its service stays not_configured.
 */
export function createDependencyModule(deps: ModuleDeps): ExporterModule {
  let probes: readonly ProbeConfig[] = [];
  let tasks: ScheduledTask[] = [];
  return {
    name: 'dependencies',
    async configure(config: ExporterConfig) {
      probes = config.probes.filter(probeIsConfigured);
      tasks = probes.map((probe) => ({
        name: probe.name,
        fingerprint: fingerprint(probe),
        intervalMs: probe.interval,
        timeoutMs: probe.timeout,
        probe: createProbe(probe),
      }));
    },
    tasks: () => tasks,
    health(): HealthContribution {
      const services: Record<string, ServiceState> = {};
      const unhealthy: string[] = [];
      const degraded: string[] = [];
      const records = probes.map((probe) => deps.store.get(probe.name));
      probes.forEach((probe, index) => {
        const record = records[index];
        if (probe.service) services[probe.service] = serviceState(record);
        const latest = record?.latest;
        if (latest && !latest.outcome.ok) {
          const cause = `probe ${probe.name} failing (${latest.outcome.reason})`;
          (probe.critical ? unhealthy : degraded).push(cause);
        }
      });
      return {
        services,
        metrics: resourceMetrics(records),
        checks: probes.map((probe, index) => checkFromRecord(probe.name, records[index])),
        unhealthy,
        degraded,
      };
    },
    beforeScrape() {},
    async close() {},
  };
}
