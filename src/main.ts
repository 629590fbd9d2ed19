#!/usr/bin/env node
import { commands } from './cli/registry';
import { parseArgs } from './cli/parse-args';
import type { CommandIo } from './cli/types';

const io: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function usage(): string {
  const lines = commands.map((command) => `  ${command.name.padEnd(22)}${command.summary}`);
  return `Usage: amas-exporter <command> [flags]\n\nCommands:\n${lines.join('\n')}\n\nEvery command takes --config PATH (default: $AMAS_EXPORTER_CONFIG or config/exporter.yaml).\nRun 'amas-exporter <command> --help' for a command's flags and exit codes.\n`;
}

async function main(): Promise<number> {
  const { command: name, args } = parseArgs(process.argv.slice(2), process.env);
  if (name === 'help' || (!name && args.flags.help)) {
    io.stdout(usage());
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === (name ?? 'serve'));
  if (!command) {
    io.stderr(`amas-exporter: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 64;
  }
  if (args.flags.help) {
    io.stdout(`${command.usage}\n\n${command.summary}\n${command.help ? `\n${command.help}\n` : ''}`);
    return 0;
  }
  return command.run(args, io);
}

main().then(
  (code) => {
    process.exitCode = code;
    // Commands other than serve must not linger on open handles.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`amas-exporter: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(70);
  },
);
