import type { ExporterConfig } from './config-schema';
import { LogsRuntime } from '../logs/runtime';
import type { ExporterModule, ModuleDeps } from './types';

/**
 * The `logs:` section: follows the JSON log files AMAS writes to the shared log volume and turns
 * their lines into the seed's HTTP, security and business metrics (docs/logs.md). It has no
 * scheduled tasks: its own loop polls the files.
 */
export function createLogsModule(deps: ModuleDeps): ExporterModule {
  const runtime = new LogsRuntime(deps);
  return {
    name: 'logs',
    configure: (config: ExporterConfig) => runtime.configure(config.logs),
    tasks: () => [],
    health: () => runtime.health(),
    beforeScrape: () => runtime.beforeScrape(),
    close: () => runtime.close(),
  };
}
