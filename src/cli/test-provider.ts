import { EXIT_NO_PROVIDER, aiModule, interruptSignal } from './lib/providers';
import { isValidated, renderReport, reportJson } from './lib/ladder-report';
import { EXIT_USAGE, withRuntime } from './lib/runtime';
import { detectTerminal } from './lib/terminal';
import type { Command } from './types';

export const testProviderCommand: Command = {
  name: 'test-provider',
  summary: "Run one AI provider's whole probe ladder now and show each rung and validator.",
  usage: 'amas-exporter test-provider <id> [--debug] [--json] [--config PATH]',
  flags: [
    { name: 'debug', takesValue: false, description: 'also print the request sent and the reply received (keys and auth headers removed)' },
    { name: 'json', takesValue: false, description: 'print the whole report as JSON' },
    { name: 'verbose', takesValue: false, description: "write the exporter's debug log lines to stderr" },
  ],
  help: [
    'Runs reachability, the models list and the paid validation call once, now, with the same code,',
    'budget and circuit rules as the exporter, and prints each rung and each validator: pass or fail,',
    'why, latency, tokens and cost.',
    '',
    'Exit codes: 0 the provider validated, 1 it did not (failing rung, fake AI, skipped call or no key),',
    '2 the config cannot be used, 64 no id given or no provider with that id.',
  ].join('\n'),
  async run(args, io) {
    const id = args.positionals[0];
    if (!id || args.positionals.length > 1) {
      io.stderr(`usage: ${this.usage}\n`);
      return EXIT_USAGE;
    }
    return withRuntime(args, io, async (runtime) => {
      const module = aiModule(runtime, io);
      if (!module) return EXIT_NO_PROVIDER;
      if (!module.providers().some((provider) => provider.id === id)) {
        const known = module.providers().map((provider) => provider.id);
        io.stderr(`amas-exporter test-provider: no provider ${JSON.stringify(id)}; known: ${known.join(', ') || 'none'}\n`);
        return EXIT_NO_PROVIDER;
      }
      const interrupt = interruptSignal();
      try {
        const report = await module.runLadderOnce(id, { signal: interrupt.signal, debug: args.flags.debug === true });
        if (!report) return EXIT_NO_PROVIDER;
        if (args.flags.json === true) io.stdout(`${JSON.stringify(reportJson(report, runtime.secrets), null, 2)}\n`);
        else io.stdout(renderReport(report, detectTerminal(), runtime.secrets));
        return isValidated(report) ? 0 : 1;
      } finally {
        interrupt.dispose();
      }
    });
  },
};
