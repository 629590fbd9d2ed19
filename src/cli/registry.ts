import { checkConfigCommand } from './check-config';
import { probeCommand } from './probe';
import { serveCommand } from './serve';
import { testMonitoringCommand } from './test-monitoring';
import type { Command } from './types';

/** Every CLI command, by name; `serve` runs when none is given. */
export const commands: readonly Command[] = [serveCommand, checkConfigCommand, probeCommand, testMonitoringCommand];
