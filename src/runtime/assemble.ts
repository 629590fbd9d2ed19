import type { LoadedConfig } from '../modules/config';
import { createLogger, type Logger, type LogLevel } from '../logging/logger';
import { SecretStore } from '../logging/redact';
import { createMetrics, type MetricsBundle } from '../metrics/definitions';
import { moduleFactories } from '../modules/registry';
import type { ExporterModule } from '../modules/types';
import { ResultStore } from '../scheduler/result-store';
import { VERSION } from './version';

/** The parts the exporter is built from, the same whether it serves or a command runs its probes once. */
export interface Assembly {
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly bundle: MetricsBundle;
  readonly store: ResultStore;
  readonly modules: readonly ExporterModule[];
}

export interface AssemblyOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly logLevel: LogLevel;
  /** Where JSON log lines go (stdout by default). */
  readonly logStream?: NodeJS.WritableStream | undefined;
}

/** Builds the secret store (seeded with the config's secrets), logger, metrics, result store and every module. */
export function assemble(loaded: LoadedConfig, options: AssemblyOptions): Assembly {
  const secrets = new SecretStore();
  secrets.replaceAll(loaded.secrets);
  // A token written in the file itself did not come from a secret reference, but is one.
  secrets.add(loaded.config.admin.token);
  const logger = createLogger({ level: options.logLevel, secrets, ...(options.logStream ? { stream: options.logStream } : {}) });
  const bundle = createMetrics(VERSION);
  const store = new ResultStore();
  const modules = moduleFactories.map((factory) => factory({ metrics: bundle.metrics, store, logger, secrets, env: options.env }));
  return { secrets, logger, bundle, store, modules };
}
