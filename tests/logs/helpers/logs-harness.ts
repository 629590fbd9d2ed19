import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Registry } from 'prom-client';
import { createLogger } from '../../../src/logging/logger';
import { SecretStore } from '../../../src/logging/redact';
import { logsConfigSchema, type LogsConfig } from '../../../src/logs/config-schema';
import { LogsRuntime } from '../../../src/logs/runtime';
import { createMetrics, type MetricsBundle } from '../../../src/metrics/definitions';
import { ResultStore } from '../../../src/scheduler/result-store';

/** A real LogsRuntime with its own registries, polled by the test (no timers). */
export interface LogsHarness {
  readonly runtime: LogsRuntime;
  readonly bundle: MetricsBundle;
  readonly dir: string;
  readonly secrets: SecretStore;
  /** Polls until a turn reads nothing more (bounded). */
  drain(maxTurns?: number): Promise<void>;
  /** Value of one sample, summed over series whose labels include `labels`. */
  value(name: string, labels?: Record<string, string>): Promise<number>;
  /** Every sample of a family. */
  samples(name: string): Promise<{ labels: Record<string, string | number>; value: number; metricName?: string }[]>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'amas-logs-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Parses a `logs:` section (as YAML would give it) with the real schema. */
export function logsConfig(input: Record<string, unknown>): LogsConfig {
  return logsConfigSchema.parse(input);
}

async function findFamily(registries: readonly Registry[], name: string) {
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      if (metric.name === name) return metric as unknown as { values: { labels: Record<string, string | number>; value: number; metricName?: string }[] };
    }
  }
  return undefined;
}

export async function createHarness(config: LogsConfig, dir = tempDir()): Promise<LogsHarness> {
  const secrets = new SecretStore();
  const bundle = createMetrics('test');
  const logger = createLogger({ level: 'error', secrets, stream: new PassThrough() });
  const runtime = new LogsRuntime({ metrics: bundle.metrics, store: new ResultStore(), logger, secrets });
  await runtime.configure(config);
  const registries = Object.values(bundle.registries);
  const samples = async (name: string) => (await findFamily(registries, name))?.values ?? [];
  return {
    runtime,
    bundle,
    dir,
    secrets,
    async drain(maxTurns = 1000) {
      for (let turn = 0; turn < maxTurns; turn += 1) if (!(await runtime.pollNow())) return;
    },
    async value(name, labels = {}) {
      const wanted = name.endsWith('_count') || name.endsWith('_sum') || name.endsWith('_bucket') ? name.replace(/_(count|sum|bucket)$/, '') : name;
      const family = await findFamily(registries, wanted);
      return (family?.values ?? [])
        .filter((sample) => (sample.metricName ?? wanted) === name && Object.entries(labels).every(([key, value]) => String(sample.labels[key]) === value))
        .reduce((sum, sample) => sum + sample.value, 0);
    },
    samples,
    close: () => runtime.close(),
  };
}
