import { Writable } from 'node:stream';
import { configSchema, type ExporterConfig } from '../../src/modules/config-schema';
import { createLogger } from '../../src/logging/logger';
import { SecretStore } from '../../src/logging/redact';
import { createMetrics, type Metrics } from '../../src/metrics/definitions';
import { createFleetAiModule } from '../../src/modules/fleet';
import type { AiProvidersModule } from '../../src/modules/ai-providers';
import { ResultStore } from '../../src/scheduler/result-store';
import { Scheduler } from '../../src/scheduler/scheduler';
import type { Simulator } from '../../src/simulator/server';

/** N sidecars' AI modules in one process: the exporter's own code, each with its own metrics, logger and Redis connection. */
export interface FleetSimOptions {
  readonly sim: Simulator;
  /** Simulated provider ids (openai style, key `key`). */
  readonly providers: readonly string[];
  readonly key: string;
  readonly sidecars: number;
  /** Redis URL, or undefined for the reference run: every sidecar alone (no cluster section). */
  readonly redisUrl: string | undefined;
  /** Cron with seconds, e.g. every two seconds. */
  readonly schedule: string;
  readonly periodMs: number;
  readonly cluster: string;
}

export interface FleetSidecar {
  readonly module: AiProvidersModule;
  readonly metrics: Metrics;
  /** Runs the free rungs on their intervals, as the exporter's scheduler does. */
  readonly scheduler: Scheduler;
}

const quiet = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

function configFor(options: FleetSimOptions, index: number): ExporterConfig {
  const providers = Object.fromEntries(
    options.providers.map((id) => [
      id,
      {
        style: 'openai',
        base_url: options.sim.baseUrl(id),
        model: 'gpt-4o',
        api_key: options.key,
        price_usd_per_million_tokens: { input: 2.5, output: 10 },
        rungs: { validation: { interval: `${options.periodMs}ms`, timeout: '1s' } },
        // Counted at the simulator as one generation per slot: the streaming check's second call is left out.
        stream: false,
      },
    ]),
  );
  return configSchema.parse({
    log_level: 'error',
    ai: { include_catalogue: false, egress: { canary_url: '' }, rungs: { reachability: { interval: '5s', timeout: '3s' }, metadata: { interval: '10s', timeout: '3s' } }, providers },
    ...(options.redisUrl
      ? { cluster: { redis_url: options.redisUrl, name: options.cluster, pod: `sidecar-${index}`, schedule: options.schedule, lease: '1500ms', command_timeout: '1s' } }
      : { cluster: { enabled: false, schedule: options.schedule } }),
  });
}

/** Starts the sidecars; each begins claiming (or, alone, calling) at the next slot. */
export async function startSidecars(options: FleetSimOptions): Promise<FleetSidecar[]> {
  const sidecars: FleetSidecar[] = [];
  for (let index = 0; index < options.sidecars; index += 1) {
    const secrets = new SecretStore();
    const { metrics } = createMetrics('bench');
    const store = new ResultStore();
    const logger = createLogger({ level: 'error', secrets, stream: quiet() });
    const module = createFleetAiModule({ metrics, store, secrets, logger, env: {} });
    await module.configure(configFor(options, index));
    const scheduler = new Scheduler({ store, logger, maxConcurrent: 8, jitter: 0.1, redact: (text) => secrets.redact(text) });
    await scheduler.sync(module.tasks());
    sidecars.push({ module, metrics, scheduler });
  }
  return sidecars;
}

export async function stopSidecars(sidecars: readonly FleetSidecar[]): Promise<void> {
  await Promise.all(sidecars.map(async (sidecar) => {
    await sidecar.scheduler.stop();
    await sidecar.module.close();
  }));
}

/**
 * Paid calls the simulator received per provider and slot (calls are attributed to the slot whose
 * start precedes them), for slots starting within [from, to).
 */
export function callsPerSlot(sim: Simulator, providers: readonly string[], periodMs: number, from: number, to: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const first = Math.ceil(from / periodMs) * periodMs;
  const count = Math.max(0, Math.floor((to - first) / periodMs));
  for (const id of providers) {
    const slots = new Array<number>(count).fill(0);
    for (const record of sim.requests(id, 'generation')) {
      const index = Math.floor((record.at - first) / periodMs);
      if (index >= 0 && index < count) slots[index] = (slots[index] as number) + 1;
    }
    out.set(id, slots);
  }
  return out;
}
