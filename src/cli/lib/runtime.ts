import { ConfigError } from '../../config/errors';
import { loadConfigFile } from '../../modules/config';
import type { ExporterConfig } from '../../modules/config-schema';
import type { Logger } from '../../logging/logger';
import type { SecretStore } from '../../logging/redact';
import type { Metrics } from '../../metrics/definitions';
import type { ExporterModule } from '../../modules/types';
import type { ProbeResult } from '../../probes/types';
import type { ResultStore } from '../../scheduler/result-store';
import { Scheduler, type ScheduledTask } from '../../scheduler/scheduler';
import { assemble } from '../../runtime/assemble';
import { EXIT } from '../exit-codes';
import type { CommandArgs, CommandIo } from '../types';

/** Exit code of every command whose config cannot be used (unreadable or invalid). */
export const EXIT_CONFIG = EXIT.configUnusable;
/** Exit code for a wrong command line (sysexits EX_USAGE, as main.ts uses for an unknown command). */
export const EXIT_USAGE = EXIT.usage;

/**
 * What the exporter builds at start, built the same way for a command that runs once: the config,
 * the secret store, a logger, fresh metrics, the result store and every module from `moduleFactories`,
 * configured. Nothing is scheduled until `runOnce`.
 */
export interface OneShotRuntime {
  readonly config: ExporterConfig;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: ResultStore;
  readonly modules: readonly ExporterModule[];
  /** Every task the modules want under this config. */
  tasks(): readonly ScheduledTask[];
  /** Runs the given tasks once each through the exporter's scheduler and returns their results. */
  runOnce(tasks: readonly ScheduledTask[]): Promise<ProbeResult[]>;
  close(): Promise<void>;
}

/**
 * A run due one day later never comes: the command closes long before. A longer delay would
 * overflow setTimeout's 32-bit range and fire at once.
 */
const NEVER_AGAIN_MS = 86_400_000;

/** Loads the config and builds the modules; throws ConfigError when the config is unusable. */
export async function openRuntime(args: CommandArgs, env: NodeJS.ProcessEnv = process.env): Promise<OneShotRuntime> {
  const loaded = loadConfigFile(args.config, { env });
  // Logs go to stderr so stdout stays the command's result; only errors unless --verbose.
  const { secrets, logger, bundle, store, modules } = assemble(loaded, { env, logLevel: args.flags.verbose === true ? 'debug' : 'error', logStream: process.stderr });
  const { metrics } = bundle;
  const schedulers: Scheduler[] = [];
  try {
    for (const module of modules) await module.configure(loaded.config);
  } catch (error) {
    await Promise.all(modules.map((module) => module.close().catch(() => undefined)));
    throw error;
  }
  return {
    config: loaded.config,
    secrets,
    logger,
    metrics,
    store,
    modules,
    tasks: () => modules.flatMap((module) => module.tasks()),
    async runOnce(tasks) {
      // The exporter's own scheduler runs each task: same deadline, concurrency cap and error
      // handling. Jitter 0 makes the first run start at once; the next is a day away.
      const scheduler = new Scheduler({ store, logger, maxConcurrent: loaded.config.scheduler.max_concurrent, jitter: 0, redact: (text) => secrets.redact(text) });
      schedulers.push(scheduler);
      // Results are collected as the store records them rather than through runNow, which could
      // start a second run of a probe that finished before its first timer fired.
      const wanted = new Set(tasks.map((task) => task.name));
      const results = new Map<string, ProbeResult>();
      const finished = new Promise<void>((resolve) => {
        if (wanted.size === 0) resolve();
        store.onResult((result) => {
          if (!wanted.has(result.probe) || results.has(result.probe)) return;
          results.set(result.probe, result);
          if (results.size === wanted.size) resolve();
        });
      });
      // The scheduler's timers are unref'd (a server must be able to exit); this one keeps the
      // command alive until every result is in. Each run is bounded by its task's timeout.
      const keepAlive = setInterval(() => undefined, 1000);
      try {
        await scheduler.sync(tasks.map((task) => ({ ...task, intervalMs: NEVER_AGAIN_MS })));
        await finished;
      } finally {
        clearInterval(keepAlive);
      }
      await scheduler.stop();
      return tasks.map((task) => results.get(task.name) as ProbeResult);
    },
    async close() {
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
      await Promise.all(modules.map((module) => module.close().catch(() => undefined)));
    },
  };
}

/**
 * Opens the runtime, runs `body` and closes it; a config that cannot be used is reported on
 * stderr with exit code 2.
 */
export async function withRuntime(args: CommandArgs, io: CommandIo, body: (runtime: OneShotRuntime) => Promise<number>): Promise<number> {
  let runtime: OneShotRuntime;
  try {
    runtime = await openRuntime(args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`amas-exporter: the config cannot be used:\n${error.message}\n`);
    return EXIT_CONFIG;
  }
  try {
    return await body(runtime);
  } finally {
    await runtime.close();
  }
}
