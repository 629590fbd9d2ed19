import type { ProbeResult } from '../probes/types';
import { EXIT } from './exit-codes';
import { withRuntime } from './lib/runtime';
import { formatMs, formatTable } from './lib/table';
import { detectTerminal, verdict } from './lib/terminal';
import type { Command } from './types';

/** One row of `probe --once --json`. */
export interface ProbeRow {
  readonly name: string;
  readonly ok: boolean;
  readonly reason: string | null;
  readonly duration_seconds: number;
  readonly started_at: string;
  readonly message: string;
}

function toRow(result: ProbeResult): ProbeRow {
  return {
    name: result.probe,
    ok: result.outcome.ok,
    reason: result.outcome.ok ? null : result.outcome.reason,
    duration_seconds: Math.round(result.durationSeconds * 1e6) / 1e6,
    started_at: new Date(result.startedAt).toISOString(),
    message: result.outcome.message,
  };
}

function selected(value: string | boolean | undefined): Set<string> | undefined {
  return typeof value === 'string' ? new Set(value.split(',').map((name) => name.trim()).filter(Boolean)) : undefined;
}

export const probeCommand: Command = {
  name: 'probe',
  summary: 'Run every probe of the config once now and print the results (for CI and init containers).',
  usage: 'amas-exporter probe --once [--config PATH] [--only NAME[,NAME...]] [--json] [--verbose]',
  flags: [
    { name: 'once', takesValue: false, description: 'required: run each probe one time, print a table and exit' },
    { name: 'only', takesValue: true, description: 'run only these probes (comma-separated names)' },
    { name: 'json', takesValue: false, description: 'print the results as a JSON array instead of a table' },
    { name: 'verbose', takesValue: false, description: "write the exporter's debug log lines to stderr" },
  ],
  help: [
    'Probes are built and run by the same code as in `serve` (the modules of the config, each',
    'probe with its own timeout, at most scheduler.max_concurrent at once), AI provider ladders included.',
    '',
    'Exit codes: 0 every probe passed, 1 at least one failed, 2 the config cannot be used,',
    '64 wrong usage (no --once, or --only names a probe that is not configured).',
  ].join('\n'),
  async run(args, io) {
    if (args.flags.once !== true) {
      io.stderr('amas-exporter probe: pass --once (the exporter probes continuously with `serve`)\n');
      return EXIT.usage;
    }
    return withRuntime(args, io, async (runtime) => {
      const only = selected(args.flags.only);
      const tasks = runtime.tasks().filter((task) => !only || only.has(task.name));
      const unknown = only ? [...only].filter((name) => !tasks.some((task) => task.name === name)) : [];
      if (unknown.length > 0) {
        io.stderr(`amas-exporter probe: not configured: ${unknown.join(', ')}\n`);
        return EXIT.usage;
      }
      const rows = (await runtime.runOnce(tasks)).map(toRow);
      const failed = rows.filter((row) => !row.ok).length;
      if (args.flags.json === true) {
        io.stdout(`${JSON.stringify(runtime.secrets.redactValue(rows), null, 2)}\n`);
      } else {
        const terminal = detectTerminal();
        const table = formatTable(
          [{ heading: 'NAME' }, { heading: 'RESULT' }, { heading: 'REASON' }, { heading: 'DURATION', right: true }, { heading: 'MESSAGE' }],
          rows.map((row) => [row.name, verdict(terminal, row.ok), row.reason ?? '', formatMs(row.duration_seconds * 1000), row.message]),
        );
        io.stdout(runtime.secrets.redact(table));
        io.stdout(`\n${rows.length} probe${rows.length === 1 ? '' : 's'}: ${rows.length - failed} passed, ${failed} failed\n`);
      }
      return failed > 0 ? EXIT.checkFailed : EXIT.ok;
    });
  },
};
