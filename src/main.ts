#!/usr/bin/env node
import { EXIT } from './cli/exit-codes';
import { commands } from './cli/registry';
import { flagHelp, parseCommandLine } from './cli/parse-args';
import type { Command, CommandIo } from './cli/types';
import { VERSION } from './runtime/version';

// A reader that closes the pipe early (`export-audit-logs | head`) has what it wanted: stop quietly
// with 0, as `cat` does, instead of failing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.stderr.write('amas-exporter: the output was closed by its reader; stopped early\n');
  process.exit(EXIT.ok);
});

const io: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function usage(): string {
  // Wide enough for the longest name, so a name never runs into its summary.
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return [
    'Usage: amas-exporter <command> [flags]',
    '',
    'Commands:',
    ...lines,
    '',
    'With no arguments at all, amas-exporter runs `serve` on the default config.',
    'Every command takes --config PATH (default: $AMAS_EXPORTER_CONFIG or config/exporter.yaml), --help and --version.',
    "Run 'amas-exporter <command> --help' for a command's flags and exit codes.",
    'Exit codes: 0 ok, 1 a check failed, 2 the config cannot be used, 64 wrong command line.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.usage}\n\n${command.summary}\n\n${flagHelp(command)}\n${command.help ? `\n${command.help}\n` : ''}`;
}

async function main(): Promise<number> {
  const line = parseCommandLine(process.argv.slice(2), process.env, commands);
  switch (line.kind) {
    case 'help':
      io.stdout(line.command ? commandHelp(line.command) : usage());
      return EXIT.ok;
    case 'version':
      io.stdout(`amas-exporter ${VERSION}\n`);
      return EXIT.ok;
    case 'usage':
      io.stderr(line.command ? `amas-exporter ${line.message}\n` : `amas-exporter: ${line.message}\n\n${usage()}`);
      return EXIT.usage;
    case 'run':
      return line.command.run(line.args, io);
  }
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
