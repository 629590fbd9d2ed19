import { createDependencyModule } from './dependencies';
import { createFleetAiModule } from './fleet';
import { createLogsModule } from './logs';
import type { ModuleFactory } from './types';

/** Every subsystem the exporter runs; each is created once and reconfigured on every reload. */
export const moduleFactories: readonly ModuleFactory[] = [createDependencyModule, createFleetAiModule, createLogsModule];
