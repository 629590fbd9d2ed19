import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { configSchema } from '../../../src/modules/config-schema';
import { createLogger } from '../../../src/logging/logger';
import { SecretStore } from '../../../src/logging/redact';
import { createMetrics, type MetricsBundle } from '../../../src/metrics/definitions';
import { createAiProvidersModule, type AiProvidersModule } from '../../../src/modules/ai-providers';
import { ResultStore } from '../../../src/scheduler/result-store';
import type { Simulator } from '../../../src/simulator/server';
import { startSimulatorThread } from '../../../src/simulator/thread';
import type { SimProviderSpec } from '../../../src/simulator/types';

/** A key no real provider uses; tests look for it everywhere it must not be. */
export const keyFor = (id: string): string => `sk-amas-test-${id}-Qx7vR2mZ9pL4`;
/** The env var a simulated provider's key is read from. */
export const keyEnvFor = (id: string): string => `SIM_KEY_${id.toUpperCase()}`;

/**
 * Validator settings for local tests. The simulator lives on 127.0.0.1, so the latency floor must
 * apply to local URLs to catch `instant`. A fixed delay is caught by the flat-latency rule, which is
 * relative to the provider's own median; the absolute identical-latency band is off, because a busy
 * machine squeezes honest simulated latencies together (measured: U(60,120) ms replies read as
 * 134..152 ms with five providers in flight on two loaded cores).
 */
export const LOCAL_TIMING = { floor_applies_to_local: true, min_latency_ms: 45, identical_window: 0 };

/** The `ai:` section pointing every given simulated provider at the simulator, keys read from env. */
export function aiSection(sim: Simulator, specs: readonly SimProviderSpec[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  for (const spec of specs) {
    providers[spec.id.replace(/-/g, '_')] = {
      style: spec.style,
      base_url: sim.baseUrl(spec.id),
      model: spec.model,
      ...(spec.api_key ? { key_env: [keyEnvFor(spec.id)] } : { enabled: true }),
    };
  }
  const { providers: extraProviders, validators, ...rest } = extra as { providers?: Record<string, Record<string, unknown>>; validators?: Record<string, unknown> };
  for (const [id, override] of Object.entries(extraProviders ?? {})) providers[id] = { ...(providers[id] as object), ...override };
  return {
    include_catalogue: false,
    egress: { canary_url: '' },
    validators: { timing: LOCAL_TIMING, ...(validators ?? {}) },
    providers,
    ...rest,
  };
}

/** The env holding every simulated provider's key (and nothing from the real environment). */
export function envFor(specs: readonly SimProviderSpec[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const spec of specs) if (spec.api_key) env[keyEnvFor(spec.id)] = spec.api_key;
  return env;
}

export function yamlFor(ai: Record<string, unknown>, extra = ''): string {
  return `${stringify({ ai })}\n${extra}`;
}

/** A simulated provider with a distinctive key. */
export const simSpec = (id: string, style: SimProviderSpec['style'], mode: SimProviderSpec['mode'] = 'honest', model = `${style}-sim-model`, options: SimProviderSpec['options'] = {}): SimProviderSpec => ({
  id,
  style,
  model,
  api_key: style === 'ollama' ? null : keyFor(id),
  mode,
  // Honest delays well above LOCAL_TIMING's floor and spread far wider than its identical-latency band.
  options: { latency_ms: [60, 300], ...options },
});

export interface ModuleHarness {
  readonly module: AiProvidersModule;
  readonly bundle: MetricsBundle;
  readonly store: ResultStore;
  readonly secrets: SecretStore;
  logLines(): string[];
  configure(ai: Record<string, unknown>, env?: NodeJS.ProcessEnv): Promise<void>;
}

/** The AI-providers module on its own (no HTTP server, no scheduler): runs are driven by runLadderOnce. */
export async function moduleHarness(ai: Record<string, unknown>, env: NodeJS.ProcessEnv, level: 'info' | 'debug' = 'info'): Promise<ModuleHarness> {
  const secrets = new SecretStore();
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const logger = createLogger({ level, secrets, stream });
  const bundle = createMetrics('test');
  const store = new ResultStore();
  let currentEnv = env;
  const module = createAiProvidersModule({ metrics: bundle.metrics, store, logger, secrets, env: new Proxy({}, { get: (_t, name) => currentEnv[name as string] }) as NodeJS.ProcessEnv });
  const configure = async (next: Record<string, unknown>, nextEnv = currentEnv): Promise<void> => {
    currentEnv = nextEnv;
    await module.configure(configSchema.parse({ ai: next }));
    for (const task of module.tasks()) store.register(task.name);
  };
  await configure(ai, env);
  return { module, bundle, store, secrets, logLines: () => [...lines], configure };
}

/**
 * Runs `body` against a simulator on its own thread, as a real provider runs on its own machine: a
 * stall of the test's event loop then cannot delay the simulated replies (see src/simulator/thread.ts).
 */
export async function withSimulator<T>(specs: readonly SimProviderSpec[], body: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulatorThread({ providers: specs });
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

/** Runs `count` jobs with at most `width` at once; bounded, in order of submission. */
export async function inBatches<T>(count: number, width: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}
