import { checkConfigCommand } from './check-config';
import { serveCommand } from './serve';
import type { Command } from './types';

/** Every CLI command, by name; `serve` runs when none is given. */
export const commands: readonly Command[] = [serveCommand, checkConfigCommand];
