import type { ExporterConfig } from './config-schema';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../logging/redact';
import type { Metrics } from '../metrics/definitions';
import type { ResultStore } from '../scheduler/result-store';
import type { ScheduledTask } from '../scheduler/scheduler';
import type { HealthContribution } from '../server/health-model';

/** What every module is given when it is created. */
export interface ModuleDeps {
  readonly metrics: Metrics;
  readonly store: ResultStore;
  readonly logger: Logger;
  readonly secrets: SecretStore;
  /** The environment the config was loaded with (provider keys are read from it); process.env when absent. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A subsystem that plugs into the exporter (dependency probes, AI providers, log tailing, ...).
 * The core asks each module for its scheduled tasks and its share of /health and /ready and knows
 * nothing else about what a module does. Modules are created once and reconfigured on every
 * successful (re)load, so they can keep state (budgets, tail positions) across reloads.
 */
export interface ExporterModule {
  readonly name: string;
  /** Applies a new, already validated config. May throw a ConfigError-like problem for the whole load. */
  configure(config: ExporterConfig): Promise<void>;
  /** Tasks to schedule under the current config. */
  tasks(): readonly ScheduledTask[];
  /** This module's part of /health and /ready, computed from memory only. */
  health(): HealthContribution;
  /** Refreshes gauges derived from state; runs before every scrape and must not do I/O. */
  beforeScrape(): void;
  close(): Promise<void>;
}

export type ModuleFactory = (deps: ModuleDeps) => ExporterModule;
