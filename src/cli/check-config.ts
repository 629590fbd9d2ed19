import { ConfigError } from '../config/errors';
import { loadConfigFile } from '../config/load';
import type { Command } from './types';

export const checkConfigCommand: Command = {
  name: 'check-config',
  summary: 'Validate a config file and list every problem.',
  usage: 'amas-exporter check-config [--config PATH]',
  help: 'Exit codes: 0 valid, 1 invalid (every problem is printed with file:line:column and key path), 2 the file cannot be read.',
  async run(args, io) {
    try {
      const { config } = loadConfigFile(args.config);
      io.stdout(`${args.config}: valid (${config.probes.length} probes)\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr(`${error.message}\n`);
      return error.kind === 'unreadable' ? 2 : 1;
    }
  },
};
