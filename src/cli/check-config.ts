import { ConfigError, type ConfigProblem } from '../config/errors';
import { loadConfigFile } from '../modules/config';
import { EXIT } from './exit-codes';
import type { Command } from './types';

const problemJson = (problem: ConfigProblem) => ({
  file: problem.file,
  line: problem.line ?? null,
  column: problem.column ?? null,
  path: problem.path,
  message: problem.message,
});

export const checkConfigCommand: Command = {
  name: 'check-config',
  summary: 'Validate a config file and list every problem.',
  usage: 'amas-exporter check-config [--config PATH] [--json]',
  flags: [{ name: 'json', takesValue: false, description: 'print {file, valid, probes, problems[]} as JSON on stdout' }],
  help: 'Exit codes: 0 valid, 2 the config cannot be used (invalid: every problem is printed with file:line:column and key path; or unreadable), 64 wrong usage.',
  async run(args, io) {
    const json = args.flags.json === true;
    try {
      const { config } = loadConfigFile(args.config);
      if (json) io.stdout(`${JSON.stringify({ file: args.config, valid: true, probes: config.probes.length, problems: [] }, null, 2)}\n`);
      else io.stdout(`${args.config}: valid (${config.probes.length} probes)\n`);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // Problems are redacted by the loader before they are formatted (src/config/load.ts).
      if (json) io.stdout(`${JSON.stringify({ file: args.config, valid: false, unreadable: error.kind === 'unreadable', problems: error.problems.map(problemJson) }, null, 2)}\n`);
      else io.stderr(`${error.message}\n`);
      return EXIT.configUnusable;
    }
  },
};
