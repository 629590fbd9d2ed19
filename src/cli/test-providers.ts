import type { LadderReport } from '../ai/ladder';
import { formatTokens, isValidated, reportJson } from './lib/ladder-report';
import { EXIT_NO_PROVIDER, aiModule, interruptSignal } from './lib/providers';
import { withRuntime } from './lib/runtime';
import { formatMs, formatTable, formatUsd } from './lib/table';
import { detectTerminal, verdict } from './lib/terminal';
import type { Command } from './types';

function row(report: LadderReport, ok: string): string[] {
  const run = report.validation;
  const failedRung = Object.values(report.rungs).find((outcome) => outcome && !outcome.ok);
  const reason = run && 'reason' in run.result ? run.result.reason : (failedRung?.reason ?? '');
  return [
    report.provider,
    report.model,
    ok,
    run?.result.result ?? 'not run',
    reason,
    formatMs(run?.latencyMs),
    formatTokens(run?.usage),
    formatUsd(run?.costUsd),
    run?.result.detail ?? failedRung?.message ?? report.status.message,
  ];
}

export const testProvidersCommand: Command = {
  name: 'test-providers',
  summary: 'Run the probe ladder of every configured AI provider at once and print a table.',
  usage: 'amas-exporter test-providers [--debug] [--json] [--config PATH]',
  flags: [
    { name: 'json', takesValue: false, description: 'print every report as JSON (with --debug: transcripts included, keys removed)' },
    { name: 'debug', takesValue: false, description: 'with --json, include each request and reply; use test-provider <id> --debug to read one' },
    { name: 'verbose', takesValue: false, description: "write the exporter's debug log lines to stderr" },
  ],
  help: [
    'Every provider with a key (or a keyless one asked for) runs reachability, the models list and the',
    'paid validation call once, concurrently, with the exporter\'s budget and circuit rules.',
    '',
    'Exit codes: 0 every configured provider validated, 1 at least one did not, 2 the config cannot be used,',
    '64 no provider is configured.',
  ].join('\n'),
  async run(args, io) {
    return withRuntime(args, io, async (runtime) => {
      const module = aiModule(runtime, io);
      if (!module) return EXIT_NO_PROVIDER;
      const all = module.providers();
      const configured = all.filter((provider) => provider.configured);
      if (configured.length === 0) {
        io.stderr('amas-exporter test-providers: no AI provider is configured (set a provider key, see docs/providers.md)\n');
        return EXIT_NO_PROVIDER;
      }
      const interrupt = interruptSignal();
      let reports: LadderReport[];
      try {
        const runs = await Promise.all(configured.map((provider) => module.runLadderOnce(provider.id, { signal: interrupt.signal, debug: args.flags.debug === true })));
        reports = runs.filter((report): report is LadderReport => report !== undefined);
      } finally {
        interrupt.dispose();
      }
      const passed = reports.filter(isValidated).length;
      if (args.flags.json === true) {
        io.stdout(`${JSON.stringify({ ok: passed === reports.length, providers: reports.map((report) => reportJson(report, runtime.secrets)) }, null, 2)}\n`);
      } else {
        const terminal = detectTerminal();
        const table = formatTable(
          ['PROVIDER', 'MODEL', 'OK', 'RESULT', 'REASON', 'LATENCY', 'TOKENS', 'COST', 'DETAIL'].map((heading) => ({ heading, right: heading === 'LATENCY' || heading === 'COST' })),
          reports.map((report) => row(report, verdict(terminal, isValidated(report)))),
        );
        io.stdout(runtime.secrets.redact(table));
        const idle = all.length - configured.length;
        io.stdout(`\n${reports.length} provider${reports.length === 1 ? '' : 's'}: ${passed} validated, ${reports.length - passed} not${idle > 0 ? `; ${idle} not configured (no key)` : ''}\n`);
      }
      return passed === reports.length ? 0 : 1;
    });
  },
};
